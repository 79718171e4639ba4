"""assessments: versions of a framework's competency correlation matrix, and the one each attempt started with

Revision ID: d17c0rrmatrx
Revises: d17e0xp0sure
Create Date: 2026-12-03 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17c0rrmatrx'
down_revision = 'd17e0xp0sure'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessments_framework_correlation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('competency_ids', sa.JSON(), nullable=False),
    sa.Column('matrix', sa.JSON(), nullable=False),
    sa.Column('common', sa.Float(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('sample', sa.String(length=300), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['assessments_framework.id'],
                            name=op.f('fk_assessments_framework_correlation_framework_id'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments_framework_correlation'))
    )
    with op.batch_alter_table('assessments_framework_correlation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_framework_correlation_framework_id'), ['framework_id'],
                              unique=False)
    with op.batch_alter_table('assessments_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correlation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_assessments_attempt_correlation_id'),
            'assessments_framework_correlation', ['correlation_id'], ['id'])


def downgrade():
    with op.batch_alter_table('assessments_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessments_attempt_correlation_id'),
                                 type_='foreignkey')
        batch_op.drop_column('correlation_id')
    with op.batch_alter_table('assessments_framework_correlation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_framework_correlation_framework_id'))
    op.drop_table('assessments_framework_correlation')
