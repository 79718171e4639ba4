"""lms: version municipalities and associations for optimistic locking

Revision ID: 14fc61448120
Revises: 4101543e867e
Create Date: 2026-11-23 02:55:43.453899

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14fc61448120'
down_revision = '4101543e867e'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows start at version 1; the default is dropped afterwards, as the models set it.
    for table in ('lms_method_association', 'lms_municipality'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('lms_municipality', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('lms_method_association', schema=None) as batch_op:
        batch_op.drop_column('version')
