"""Forms of the courses plugin."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from courses.choices import DELIVERY_MODES, MODULE_FORMS
from lms.forms import VersionedForm, no_control_characters, options, strip_filter
from lms.i18n import _l

RICH_TEXT_HELP = _l("Plain text is fine: an empty line starts a new paragraph. Simple HTML (bold, lists, "
                    "links, tables) is kept; anything else is removed.")


class ProgrammeForm(VersionedForm):
    code = StringField(_l("Code"), filters=[strip_filter], validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[A-Za-zА-Яа-яЁё0-9\-_]+$", message=_l("Letters, digits and - only."))],
        description=_l("A short code for orders and exports, e.g. IT-SCHOOL."))
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    summary = TextAreaField(_l("Summary"), filters=[strip_filter], validators=[Length(max=600)],
                            description=_l("One paragraph for the catalogue."))
    description = TextAreaField(_l("Description"), validators=[Length(max=50_000)], description=RICH_TEXT_HELP)


class ModuleForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    hours = IntegerField(_l("Hours"), validators=[InputRequired(), NumberRange(min=1, max=500)],
                         description=_l("Academic hours."))
    form = SelectField(_l("Form"), choices=options(MODULE_FORMS.items()))
    delivery = SelectField(_l("Delivery"), choices=options(DELIVERY_MODES.items()))
    prerequisite_ids = SelectMultipleField(_l("Required earlier modules"), coerce=int, validate_choice=True)
    description = TextAreaField(_l("Description"), validators=[Length(max=50_000)], description=RICH_TEXT_HELP)


class LessonForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    body = TextAreaField(_l("Text"), validators=[Length(max=200_000)], description=RICH_TEXT_HELP)
    video_url = StringField(_l("Video link"), filters=[strip_filter],
                            validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))],
                            description=_l("A YouTube, Rutube or VK Video page; it is shown embedded."))
    minutes = IntegerField(_l("Minutes to study"), validators=[Optional(), NumberRange(min=1, max=600)])
    required = BooleanField(_l("Required for completing the module"), default=True)
