"""A person's notifications."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.forms import ActionForm
from lms.notifications.models import Notification
from lms.notifications.services import mark_all_read
from lms.web import paginate

bp = Blueprint("notifications", __name__)


@bp.route("/")
@login_required
def index():
    page = paginate(select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return render_template("notifications/index.html", page=page, action_form=ActionForm())


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    if ActionForm().validate_on_submit():
        mark_all_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"))
