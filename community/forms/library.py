"""Forms of the work plan, the library, the best-practice bank and schools' statuses."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from community.choices import (
    MATERIAL_KINDS,
    PLAN_ITEM_STATUSES,
    PLAN_LINKS,
    SCHOOL_LEVELS,
    SCHOOL_STATUS_KINDS,
)
from community.forms.associations import TEXT
from lms.forms import RuDateField, VersionedForm, no_control_characters, optional_int, options, strip_filter
from lms.i18n import _l

#: The years a period filter accepts; anything else is ignored.
YEARS = (2000, 2100)

# --- work plan, library, best practice, schools' statuses --------------------------------------------------------

class PlanForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    starts_on = RuDateField(_l("From"), validators=[InputRequired()])
    ends_on = RuDateField(_l("Until"), validators=[InputRequired()])


class ApprovalForm(FlaskForm):
    body = StringField(_l("Approved by"), filters=[strip_filter], default="Методический совет",
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    protocol_number = StringField(_l("Protocol No."), filters=[strip_filter],
                                  validators=[DataRequired(), Length(max=40), no_control_characters])
    approved_on = RuDateField(_l("Date of the decision"), validators=[InputRequired()])


class PlanItemForm(VersionedForm):
    what = StringField(_l("What"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=300), no_control_characters])
    due_on = RuDateField(_l("When"), validators=[InputRequired()])
    responsible = StringField(_l("Responsible"), filters=[strip_filter],
                              validators=[Length(max=200), no_control_characters])
    form = StringField(_l("Form"), filters=[strip_filter], validators=[Length(max=100), no_control_characters])
    audience = StringField(_l("Target audience"), filters=[strip_filter],
                           validators=[Length(max=200), no_control_characters])
    link_kind = SelectField(_l("Linked record"), choices=options(PLAN_LINKS.items(), blank="—"))
    link_id = IntegerField(_l("Its number"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
                           description=_l("The number in the record's address, e.g. 12 for /community/events/12."))
    status = SelectField(_l("Status"), choices=options(PLAN_ITEM_STATUSES.items()))


class MaterialForm(VersionedForm):
    kind = SelectField(_l("Kind"), choices=options(MATERIAL_KINDS.items()))
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=TEXT)
    link = StringField(_l("Link"), filters=[strip_filter],
                       validators=[Optional(), Length(max=500), URL(message=_l("Enter a full address (https://…)."))])
    file = FileField(_l("File"))
    competency = SelectField(_l("Competency of the framework"),
                             validate_choice=False)  # the service checks it exists and says so
    subject_id = SelectField(_l("Subject"), coerce=optional_int, validate_choice=True)
    level = SelectField(_l("Level of education"), choices=options(SCHOOL_LEVELS.items(), blank="—"))


class LibraryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=options(MATERIAL_KINDS.items(), blank=_l("Any")), validate_choice=False)
    level = SelectField(_l("Level of education"), choices=options(SCHOOL_LEVELS.items(), blank=_l("Any")),
                        validate_choice=False)
    competency = SelectField(_l("Competency"), validate_choice=False)
    subject_id = SelectField(_l("Subject"), coerce=optional_int, validate_choice=False)


class PracticeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Length(max=100)])


class PeriodFilterForm(FlaskForm):
    """The filter of the contests, work plans and schools' statuses: a text and a calendar year."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Length(max=100)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=YEARS[0], max=YEARS[1])])


class PracticeForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    summary = TextAreaField(_l("What the practice is and what it gives"), filters=[strip_filter],
                            validators=[DataRequired(), *TEXT])
    link = StringField(_l("Link to the materials"), filters=[strip_filter],
                       validators=[Optional(), Length(max=500), URL(message=_l("Enter a full address (https://…)."))])
    subject_id = SelectField(_l("Subject"), coerce=optional_int, validate_choice=True)


class ReviewForm(VersionedForm):
    decision = SelectField(_l("Decision"), choices=options([("publish", _l("Publish")),
                                                            ("return", _l("Return with a comment"))]))
    comment = TextAreaField(_l("Comment to the author"), filters=[strip_filter], validators=TEXT)


class SchoolStatusForm(VersionedForm):
    school_id = SelectField(_l("School"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    kind = SelectField(_l("Status"), choices=options(SCHOOL_STATUS_KINDS.items()))
    theme = StringField(_l("Theme"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    starts_on = RuDateField(_l("From"), validators=[InputRequired()])
    ends_on = RuDateField(_l("Until"), validators=[InputRequired()])
    basis = StringField(_l("Basis (order, decision)"), filters=[strip_filter],
                        validators=[Length(max=200), no_control_characters])
