"""Sign-in, password change and password reset forms."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from lms.forms import strip_filter
from lms.i18n import _, _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip_filter],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))


def _password_length(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_("The password must be at least %(n)d characters long.", n=minimum))


class NewPasswordMixin:
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_length, Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[strip_filter],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass
