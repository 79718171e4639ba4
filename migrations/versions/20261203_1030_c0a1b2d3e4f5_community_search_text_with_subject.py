"""community: materials and practices saved before the subject joined their search text get it now

Revision ID: c0a1b2d3e4f5
Revises: x16a9gapreason
Create Date: 2026-12-03 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1b2d3e4f5'
down_revision = 'x16a9gapreason'
branch_labels = None
depends_on = None


def _fold(text):
    # As lms.users.models.fold at this revision (migrations never import the app's code).
    return text.lower().replace("ё", "е")


def upgrade():
    conn = op.get_bind()
    subjects = dict(conn.execute(sa.text("SELECT id, name FROM lms_subject")).all())
    for table in ("community_material", "community_practice"):
        rows = conn.execute(sa.text(
            f"SELECT id, search_text, subject_id FROM {table} WHERE subject_id IS NOT NULL")).all()
        for row_id, text, subject_id in rows:
            name = _fold(subjects.get(subject_id, ""))
            if name and name not in (text or ""):
                conn.execute(sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id"),
                             {"text": f"{text or ''} {name}".strip(), "id": row_id})


def downgrade():
    pass  # the subject's name in the search text does no harm to the older code
