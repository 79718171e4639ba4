"""Forms of lesson visits, appeals, network events, contests and imports."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FieldList, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from community.choices import (
    APPEAL_STATUSES,
    APPLICATION_STATUSES,
    CONTEST_RESULTS,
    EVENT_KINDS,
    MEETING_STATUSES,
    ORGANISER_KINDS,
    VISIT_KINDS,
)
from community.forms.associations import TEXT
from lms.forms import RuDateField, VersionedForm, no_control_characters, optional_int, options, strip_filter
from lms.i18n import _l
from lms.users.forms import MultiCheckboxField

# --- lesson visits and appeals -----------------------------------------------------------------------------------

class VisitForm(VersionedForm):
    teacher_id = SelectField(_l("Teacher"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=options(VISIT_KINDS.items()))
    visited_on = RuDateField(_l("Date"), validators=[InputRequired()])
    lesson = StringField(_l("Class and subject"), filters=[strip_filter],
                         validators=[Length(max=200), no_control_characters])
    purpose = TextAreaField(_l("Purpose of the visit"), filters=[strip_filter], validators=TEXT)
    protocol = FieldList(TextAreaField(filters=[strip_filter], validators=[Length(max=5000), no_control_characters]))
    recommendations = TextAreaField(_l("Recommendations"), filters=[strip_filter], validators=TEXT)


def visit_form(criteria, **kwargs) -> VisitForm:
    """The visit form with one protocol note per criterion of the service's protocol."""
    form = VisitForm(**kwargs)
    while len(form.protocol) < len(criteria):
        form.protocol.append_entry()
    for entry, criterion in zip(form.protocol, criteria, strict=False):
        entry.label.text = criterion
    return form


class VisitFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Teacher or visitor"), filters=[strip_filter], validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=options(VISIT_KINDS.items(), blank=_l("Any")), validate_choice=False)


class AppealForm(FlaskForm):
    subject = StringField(_l("Subject"), filters=[strip_filter],
                          validators=[DataRequired(), Length(max=300), no_control_characters])
    text = TextAreaField(_l("Text of the appeal"), filters=[strip_filter],
                         validators=[DataRequired(), *TEXT])


class AppealRegisterForm(AppealForm):
    teacher_id = SelectField(_l("Teacher"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    received_on = RuDateField(_l("Received on"), validators=[InputRequired()])


class AnswerForm(VersionedForm):
    answer = TextAreaField(_l("Answer"), filters=[strip_filter], validators=[DataRequired(), *TEXT])
    upheld = SelectField(_l("The complaint is"), choices=options([
        ("", _l("not a complaint / not decided")), ("yes", _l("justified")), ("no", _l("not justified"))]))


class AppealFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=options(APPEAL_STATUSES.items(), blank=_l("Any")),
                         validate_choice=False)
    overdue = BooleanField(_l("Only overdue"))


# --- network events and contests ---------------------------------------------------------------------------------

class EventForm(VersionedForm):
    kind = SelectField(_l("Kind"), choices=options(EVENT_KINDS.items()))
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    organiser_kind = SelectField(_l("Organiser"), choices=options(ORGANISER_KINDS.items()))
    school_id = SelectField(_l("Organising school"), coerce=optional_int, validate_choice=True)
    association_id = SelectField(_l("Organising association"), coerce=optional_int, validate_choice=True)
    held_on = RuDateField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), filters=[strip_filter], validators=[Length(max=200), no_control_characters])
    link = StringField(_l("Link"), filters=[strip_filter],
                       validators=[Optional(), Length(max=500), URL(message=_l("Enter a full address (https://…)."))])
    capacity = IntegerField(_l("Places"), validators=[Optional(), NumberRange(min=1, max=10_000)],
                            description=_l("Leave empty for no limit."))
    registration_open = BooleanField(_l("Registration is open"), default=True)
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=TEXT)
    status = SelectField(_l("Status"), choices=options(MEETING_STATUSES.items()))


class EventFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=options(EVENT_KINDS.items(), blank=_l("Any")), validate_choice=False)
    status = SelectField(_l("Status"), choices=options(MEETING_STATUSES.items(), blank=_l("Any")),
                         validate_choice=False)


class SpeakerForm(FlaskForm):
    user_id = SelectField(_l("Speaker"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])
    topic = StringField(_l("Topic of the talk"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    material = FileField(_l("Material (presentation, text)"))


class EventAttendanceForm(FlaskForm):
    present_ids = MultiCheckboxField(_l("Attended"), coerce=int)


def _parse_stages(text: str) -> list[dict]:
    stages = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        try:
            title, starts, ends = parts
            starts_on, ends_on = (datetime.strptime(v, "%d.%m.%Y").date() for v in (starts, ends))
        except ValueError as exc:
            raise ValidationError(_l("Line %(n)d: write «stage; DD.MM.YYYY; DD.MM.YYYY».", n=number)) from exc
        stages.append({"title": title[:200], "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return stages


class ContestForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=TEXT)
    applications_until = RuDateField(_l("Applications until"), validators=[InputRequired()])
    stages = TextAreaField(_l("Stages"), filters=[strip_filter], validators=[Length(max=5000), no_control_characters],
                           description=_l("One stage a line: «Заочный этап; 01.02.2027; 28.02.2027»."))

    def validate_stages(self, field):
        self.parsed_stages = _parse_stages(field.data)


class ApplicationForm(FlaskForm):
    theme = StringField(_l("Theme of the contest work"), filters=[strip_filter],
                        validators=[Length(max=300), no_control_characters])


class NominationForm(ApplicationForm):
    teacher_id = SelectField(_l("Teacher"), coerce=optional_int, validate_choice=True, validators=[InputRequired()])


class DecisionForm(VersionedForm):
    status = SelectField(_l("Status"), choices=options(APPLICATION_STATUSES.items()))
    result = SelectField(_l("Result"), choices=options(CONTEST_RESULTS.items(), blank="—"))


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=options([
        ("members", _l("Members of associations: association, e-mail")),
        ("pairs", _l("Mentoring pairs: mentor's e-mail, mentee's e-mail, form, from, until, goals")),
        ("results", _l("Contest results: contest, e-mail, result"))]))
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(message=_l("Choose a file."))])


