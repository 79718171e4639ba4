"""Forms of the organisation pages."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from lms.forms import VersionedForm, no_control_characters, optional_int, strip_filter
from lms.i18n import _l


class MunicipalityForm(VersionedForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    oktmo = StringField(_l("OKTMO code"), filters=[strip_filter],
                        validators=[Optional(), Regexp(r"^\d{8}(\d{3})?$", message=_l("8 or 11 digits."))])


class SchoolForm(VersionedForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Full official name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=300), no_control_characters])
    short_name = StringField(_l("Short name"), filters=[strip_filter],
                             validators=[DataRequired(), Length(max=120), no_control_characters])
    code = StringField(_l("Code"), filters=[strip_filter],
                       validators=[Optional(), Length(max=20),
                                   Regexp(r"^[\w\-]+$", message=_l("Letters, digits and - only."))],
                       description=_l("The centre's own code or the school's INN; used to match imported rows."))
    address = StringField(_l("Address"), filters=[strip_filter],
                          validators=[Optional(), Length(max=300), no_control_characters])
    is_active = BooleanField(_l("Active"), default=True)


class AssociationForm(VersionedForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int, validators=[DataRequired()])
    school_id = SelectField(_l("School"), coerce=optional_int,
                            description=_l("Leave empty for a municipal association."))
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    is_active = BooleanField(_l("Active"), default=True)
