"""Per-role dashboard, interface language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user, login_required
from sqlalchemy import text, update

from lms.extensions import db
from lms.forms import ActionForm
from lms.main import queries
from lms.models.mixins import utcnow
from lms.todo import todos
from lms.users.models import User
from lms.web import safe_back

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def dashboard():
    summary = queries.dashboard_summary(current_user) if current_user.role_codes & {"admin", "staff", "tutor"} else None
    return render_template("main/dashboard.html", summary=summary, todo=todos(current_user, utcnow()))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language; remembered in the session and, when signed in, on the account."""
    if code in current_app.config["LANGUAGES"] and ActionForm().validate_on_submit():
        session["locale"] = code
        if current_user.is_authenticated:
            # A preference, not an edit: leave User.version alone so open edit forms stay valid.
            db.session.execute(update(User).where(User.id == current_user.id).values(locale=code))
            db.session.commit()
    return redirect(safe_back(request.form.get("next")))


@bp.route("/healthz")
def health():
    """For the load balancer: the process answers and the database is reachable."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.route("/profile")
@login_required
def profile():
    return render_template("main/profile.html", user=current_user)
