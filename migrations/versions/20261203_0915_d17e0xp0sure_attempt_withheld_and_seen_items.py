"""assessments: exposure control per diagnostic, and each attempt's withheld and already-seen items fixed at its start

Revision ID: d17e0xp0sure
Revises: c0a1b2d3e4f5
Create Date: 2026-12-03 09:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17e0xp0sure'
down_revision = 'c0a1b2d3e4f5'
branch_labels = None
depends_on = None


def upgrade():
    # Existing diagnostics get NULL (no exposure control): their attempts must stay comparable.
    with op.batch_alter_table('assessments_diagnostic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_exposure', sa.Float(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_assessments_diagnostic_max_exposure_range'),
                                         'max_exposure IS NULL OR (max_exposure > 0 AND max_exposure <= 1)')
    with op.batch_alter_table('assessments_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withheld_items', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('seen_items', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('assessments_attempt', schema=None) as batch_op:
        batch_op.drop_column('seen_items')
        batch_op.drop_column('withheld_items')
    with op.batch_alter_table('assessments_diagnostic', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assessments_diagnostic_max_exposure_range'), type_='check')
        batch_op.drop_column('max_exposure')
