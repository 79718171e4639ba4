"""lms: an LTI tool's own target link URI (declared by its Dynamic Registration)

Revision ID: a4c2e9f1d7b3
Revises: 5d1e7a3c9b20
Create Date: 2026-12-03 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c2e9f1d7b3'
down_revision = '5d1e7a3c9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lms_lti_tool', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_link_uri', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('lms_lti_tool', schema=None) as batch_op:
        batch_op.drop_column('target_link_uri')
