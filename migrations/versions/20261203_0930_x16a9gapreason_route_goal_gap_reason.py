"""assessments: a route goal keeps why the planner left it open (the deficit no step of the plan closes)

Revision ID: x16a9gapreason
Revises: b7e1f04c2a6d
Create Date: 2026-12-03 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'x16a9gapreason'
down_revision = 'b7e1f04c2a6d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments_route_goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gap_reason', sa.String(length=20), nullable=True))
    # Goals planned before this was recorded: a stand-in consultation meant nothing in the catalogue reached the
    # target; the other reasons were never stored and stay unknown (NULL).
    op.execute("UPDATE assessments_route_goal SET gap_reason = 'no_activity' WHERE gap")


def downgrade():
    with op.batch_alter_table('assessments_route_goal', schema=None) as batch_op:
        batch_op.drop_column('gap_reason')
