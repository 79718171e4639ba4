"""lms: LTI tools are edited with an optimistic-lock version

Revision ID: 5d1e7a3c9b20
Revises: c14a0rg0c0mp
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7a3c9b20'
down_revision = 'c14a0rg0c0mp'
branch_labels = None
depends_on = None


def upgrade():
    # Tools registered before this migration start at version 1, as new ones do.
    with op.batch_alter_table('lms_lti_tool', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('lms_lti_tool', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('lms_lti_tool', schema=None) as batch_op:
        batch_op.drop_column('version')
