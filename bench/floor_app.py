"""The product's app plus the two floor pages bench/answer_cost.py measures an answer against (gunicorn floor_app:app).

The floor is the least a signed-in request of this stack can cost: ``POST /bench/floor/write`` checks the CSRF
token, loads the user, inserts one row, commits and redirects; ``GET /bench/floor/page`` renders the base layout
(menu, unread count, the user's roles) around one query. Everything else an answer and its next page cost is
the diagnostic's own work.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms import create_app
from lms.extensions import db
from lms.forms import ActionForm
from lms.models.mixins import utcnow
from lms.notifications.models import Notification

floor = Blueprint("bench_floor", __name__, url_prefix="/bench/floor")

PAGE = """{% extends "base.html" %}{% block title %}Floor{% endblock %}{% block content %}
<form method="post" action="{{ url_for('bench_floor.write') }}">{{ form.csrf_token }}
<p>{{ written }}</p><button type="submit">Write</button></form>{% endblock %}"""


@floor.route("/write", methods=["POST"])
@login_required
def write():
    form = ActionForm()
    if not form.validate_on_submit():
        return "bad token", 400
    # Read at once: it is the only kind of notification a person never sees, so the pages stay the same.
    db.session.add(Notification(user_id=current_user.id, text="floor", read_at=utcnow()))
    db.session.commit()
    return redirect(url_for("bench_floor.page"))


@floor.route("/page")
@login_required
def page():
    written = db.session.scalar(select(func.count()).select_from(Notification)
                                .where(Notification.user_id == current_user.id, Notification.text == "floor"))
    return render_template(_page, form=ActionForm(), written=written)


app = create_app()
app.register_blueprint(floor)
# Compiled once, as every template of the product is: render_template_string would compile it on each request
# and put Jinja's compiler into the floor.
_page = app.jinja_env.from_string(PAGE)
