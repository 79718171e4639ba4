"""assessments, community: an activity's organiser and a material's competency as references kept by another plugin

Revision ID: c14a0rg0c0mp
Revises: 14c580e96111
Create Date: 2026-12-03 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14a0rg0c0mp'
down_revision = '14c580e96111'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessments_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('organiser_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_assessments_activity_organiser_ref_whole'),
                                         '(organiser_kind IS NULL) = (organiser_id IS NULL)')
    with op.batch_alter_table('community_material', schema=None) as batch_op:
        batch_op.add_column(sa.Column('competency_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('competency_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_community_material_competency_ref_whole'),
                                         '(competency_kind IS NULL) = (competency_id IS NULL)')
        batch_op.create_index(batch_op.f('ix_community_material_competency_id'), ['competency_id'], unique=False)


def downgrade():
    with op.batch_alter_table('community_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_material_competency_id'))
        batch_op.drop_constraint(batch_op.f('ck_community_material_competency_ref_whole'), type_='check')
        batch_op.drop_column('competency_id')
        batch_op.drop_column('competency_kind')
    with op.batch_alter_table('assessments_activity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assessments_activity_organiser_ref_whole'), type_='check')
        batch_op.drop_column('organiser_id')
        batch_op.drop_column('organiser_kind')
