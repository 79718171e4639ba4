"""Sign in and out, change a password, reset a forgotten one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import services
from lms.auth.forms import ForgotPasswordForm, LoginForm, PasswordChangeForm, ResetPasswordForm
from lms.errors import ServiceError
from lms.extensions import db, limiter
from lms.forms import ActionForm
from lms.i18n import _
from lms.web import safe_back, save

bp = Blueprint("auth", __name__)


def _pair_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _submitted_email() -> str:
    return request.form.get("email", "").strip().lower()[:254]


def _account_key() -> str:
    return "account:" + _submitted_email()


def _pair_key() -> str:
    return f"account-address:{_submitted_email()}|{get_remote_address()}"


def _address_key() -> str:
    return "address:" + get_remote_address()


def _too_many() -> str:
    return _("Too many failed sign-in attempts. Please wait a minute and try again.")


def _failed(response) -> bool:
    # The form shown again with an error: a wrong password. Not a refusal (429, 400): attempts the limit
    # stopped must not use up the account's own allowance, or guessing from one place would lock its owner out.
    return response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
# Three limits on failed attempts: per account and address (someone mistyping, or guessing from one place:
# only that place is stopped), per account from anywhere (slower: guessing from many addresses) and per
# address over all accounts (high: a school's teachers share one address behind its router).
@limiter.limit(_pair_limit, methods=["POST"], deduct_when=_failed, error_message=_too_many, key_func=_pair_key)
@limiter.limit(_account_limit, methods=["POST"], deduct_when=_failed, error_message=_too_many,
               key_func=_account_key)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed, error_message=_too_many,
               key_func=_address_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data, remember=form.remember.data,
                                    user_agent=request.user_agent.string)
        except ServiceError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
        else:
            db.session.commit()
            session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds the session
            login_user(user, remember=form.remember.data)
            return redirect(safe_back(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200


@bp.route("/logout", methods=["POST"])
def logout():
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            services.sign_out(current_user)
            db.session.commit()
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit() and save(
            form, lambda: services.change_password(current_user, form.current_password.data, form.password.data)):
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_pair_limit, methods=["POST"], key_func=_pair_key,
               error_message=lambda: _("Too many requests. Please wait a minute and try again."))
@limiter.limit(_address_limit, methods=["POST"], key_func=_address_key,
               error_message=lambda: _("Too many requests. Please wait a minute and try again."))
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_reset_link(form.email.data)
        # The same answer whether or not the address is known: accounts cannot be discovered here.
        flash(_("If an active account uses this address, a link to set a new password has been sent to it."),
              "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit() and save(form, lambda: services.reset_password(token, form.password.data)):
        logout_user()
        flash(_("Your password has been set. Sign in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
