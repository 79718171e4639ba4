"""lms: LTI platforms are edited with an optimistic-lock version

Revision ID: b7e1f04c2a6d
Revises: a4c2e9f1d7b3
Create Date: 2026-12-03 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1f04c2a6d'
down_revision = 'a4c2e9f1d7b3'
branch_labels = None
depends_on = None


def upgrade():
    # Platforms registered before this migration start at version 1, as new ones do.
    with op.batch_alter_table('lms_lti_platform', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('lms_lti_platform', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('lms_lti_platform', schema=None) as batch_op:
        batch_op.drop_column('version')
