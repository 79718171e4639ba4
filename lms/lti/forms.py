"""Forms of the LTI staff pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional

from lms.forms import VersionedForm, no_control_characters, strip_filter
from lms.i18n import _l


def _url(label, description=None):
    return StringField(label, filters=[strip_filter], description=description,
                       validators=[DataRequired(), Length(max=500), URL(require_tld=False)])


class PlatformForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    issuer = StringField(_l("Issuer (iss)"), filters=[strip_filter], validators=[DataRequired(), Length(max=500)],
                         description=_l("As the platform shows it, e.g. https://moodle.example.ru"))
    client_id = StringField(_l("Client id"), filters=[strip_filter], validators=[DataRequired(), Length(max=255)])
    auth_login_url = _url(_l("Authentication request URL"))
    auth_token_url = _url(_l("Access token URL"))
    jwks_url = _url(_l("Public keyset (JWKS) URL"))
    auth_audience = StringField(_l("Token audience"), filters=[strip_filter],
                                validators=[Optional(), Length(max=500)],
                                description=_l("Only when the platform asks for one other than its token URL."))
    deployments = TextAreaField(_l("Deployment ids"), validators=[Optional(), Length(max=5000)],
                                description=_l("One per line; a course copy on the platform gets a new one."))

    def deployment_ids(self) -> list[str]:
        return [line.strip() for line in (self.deployments.data or "").splitlines() if line.strip()]


class PlatformEditForm(VersionedForm):
    """A registered platform's name, addresses and deployment ids; its issuer and client id are not edited (the
    accounts its launches made are matched by them)."""

    name = PlatformForm.name
    auth_login_url = PlatformForm.auth_login_url
    auth_token_url = PlatformForm.auth_token_url
    jwks_url = PlatformForm.jwks_url
    auth_audience = PlatformForm.auth_audience
    deployments = TextAreaField(_l("Deployment ids"), validators=[Optional(), Length(max=5000)],
                                description=_l("One per line. An id taken off the list is switched off (launches "
                                               "with it are refused), and its history stays."))

    deployment_ids = PlatformForm.deployment_ids


class ToolForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    login_url = _url(_l("The tool's login initiation URL"))
    redirect_urls = TextAreaField(_l("The tool's launch (redirect) URLs"), validators=[DataRequired(),
                                                                                    Length(max=5000)],
                                  description=_l("One per line; our signed launch is posted only to these."))
    jwks_url = StringField(_l("The tool's public keyset (JWKS) URL"), filters=[strip_filter],
                           validators=[Optional(), Length(max=500), URL(require_tld=False)])
    public_key = TextAreaField(_l("Or the tool's public key (PEM)"), validators=[Optional(), Length(max=5000)])
    client_id = StringField(_l("Client id"), filters=[strip_filter], validators=[Optional(), Length(max=255)],
                            description=_l("Leave empty and we make one up; give it to the tool."))
    deployment_id = StringField(_l("Deployment id"), filters=[strip_filter],
                                validators=[Optional(), Length(max=255)],
                                description=_l("Leave empty and we make one up; give it to the tool."))

    def redirect_list(self) -> list[str]:
        return [line.strip() for line in (self.redirect_urls.data or "").splitlines() if line.strip()]


class ToolEditForm(VersionedForm):
    """A registered tool's name, addresses and keys; its client id and deployment id are not edited (the tool
    has been given them)."""

    name = ToolForm.name
    login_url = ToolForm.login_url
    redirect_urls = ToolForm.redirect_urls
    jwks_url = ToolForm.jwks_url
    public_key = ToolForm.public_key
    target_link_uri = StringField(_l("The address the tool opens"), filters=[strip_filter],
                                  validators=[Optional(), Length(max=500), URL(require_tld=False)],
                                  description=_l("When an activity names none; empty: the tool's login URL."))

    redirect_list = ToolForm.redirect_list


class ToolRegistrationForm(FlaskForm):
    initiate_url = _url(_l("The tool's registration URL"),
                        description=_l("The tool's Dynamic Registration (initiation) URL, from its administrator."))
