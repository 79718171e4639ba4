"""Forms of associations, meetings and mentoring."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.choices import (
    ASSOCIATION_KINDS,
    LEVELS,
    MEETING_STATUSES,
    MENTORING_FORMS,
    PAIR_STATUSES,
)
from lms.forms import RuDateField, VersionedForm, no_control_characters, optional_int, options, strip_filter
from lms.i18n import _l
from lms.users.forms import MultiCheckboxField

TEXT = [Length(max=20_000), no_control_characters]


class AssociationForm(VersionedForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=200), no_control_characters])
    kind = SelectField(_l("Kind"), choices=options(ASSOCIATION_KINDS.items()))
    municipality_id = SelectField(_l("Municipality"), coerce=optional_int, validate_choice=True,
                                  validators=[InputRequired()])
    school_id = SelectField(_l("School"), coerce=optional_int, validate_choice=True,
                            description=_l("Leave empty for a municipal association."))
    leader_id = SelectField(_l("Leader"), coerce=optional_int, validate_choice=True)
    starts_on = RuDateField(_l("Works from"), validators=[Optional()])
    ends_on = RuDateField(_l("Works until"), validators=[Optional()],
                          description=_l("Creative, working, problem and expert groups work for a period."))
    theme = TextAreaField(_l("Methodological theme or task"), filters=[strip_filter], validators=TEXT)
    is_active = BooleanField(_l("Active"), default=True)


class AssociationFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), filters=[strip_filter], validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=options(ASSOCIATION_KINDS.items(), blank=_l("Any")),
                       validate_choice=False)
    level = SelectField(_l("Level"), choices=options(LEVELS.items(), blank=_l("Any")), validate_choice=False)


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Teacher"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])


class MeetingForm(VersionedForm):
    held_on = RuDateField(_l("Date"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    place = StringField(_l("Place or link"), filters=[strip_filter],
                        validators=[Length(max=200), no_control_characters])
    agenda = TextAreaField(_l("Agenda"), filters=[strip_filter], validators=TEXT)
    status = SelectField(_l("Status"), choices=options(MEETING_STATUSES.items()))
    attendee_ids = MultiCheckboxField(_l("Those present"), coerce=int)
    minutes = TextAreaField(_l("Minutes"), filters=[strip_filter], validators=TEXT,
                            description=_l("The text of the minutes, or attach the signed minutes as a file."))
    minutes_file = FileField(_l("Minutes file"))
    decisions = TextAreaField(_l("Decisions"), filters=[strip_filter], validators=TEXT)


class PairForm(VersionedForm):
    mentor_id = SelectField(_l("Mentor"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    mentee_id = SelectField(_l("Mentee"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    form = SelectField(_l("Form of mentoring"), choices=options(MENTORING_FORMS.items()))
    starts_on = RuDateField(_l("From"), validators=[InputRequired()])
    ends_on = RuDateField(_l("Until"), validators=[InputRequired()])
    goals = TextAreaField(_l("Goals"), filters=[strip_filter], validators=TEXT)
    status = SelectField(_l("Status"), choices=options(PAIR_STATUSES.items()))
    outcome = TextAreaField(_l("Outcome"), filters=[strip_filter], validators=TEXT)


class PairFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Mentor or mentee"), filters=[strip_filter], validators=[Length(max=100)])
    form = SelectField(_l("Form of mentoring"), choices=options(MENTORING_FORMS.items(), blank=_l("Any")),
                       validate_choice=False)
    status = SelectField(_l("Status"), choices=options(PAIR_STATUSES.items(), blank=_l("Any")),
                         validate_choice=False)


class PairMeetingForm(FlaskForm):
    planned_on = RuDateField(_l("Date"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])


class PairMeetingRecordForm(FlaskForm):
    held = BooleanField(_l("Held"))
    record = TextAreaField(_l("What was done"), filters=[strip_filter], validators=TEXT)


