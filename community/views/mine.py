"""«Моё участие»: the teacher's own associations, meetings, mentoring, events, contests, lesson visits and
appeals; and the way into the registries."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from community import queries
from community.blueprint import bp
from lms.users.permissions import permission_required


@bp.route("/")
@permission_required("community.view")
def home():
    return render_template("community/mine.html", mine=queries.participation(current_user.id),
                           records=queries.records_of(current_user.id))
