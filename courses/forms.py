"""Forms of the courses plugin."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from courses.choices import DELIVERY_MODES, GROUP_SOURCES, MODULE_FORMS, WEEKDAYS
from lms.forms import RuDateField, VersionedForm, no_control_characters, optional_int, options, strip_filter
from lms.i18n import _l
from lms.users.forms import MultiCheckboxField

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
    min_attendance = IntegerField(_l("Attendance needed to complete, %"), default=75,
                                  validators=[InputRequired(), NumberRange(min=0, max=100)],
                                  description=_l("Of the group's held sessions of this module; 0 for none."))
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


class OfficeHoursForm(VersionedForm):
    weekday = SelectField(_l("Day of the week"), coerce=int, choices=options(WEEKDAYS.items()))
    starts = TimeField(_l("From"), validators=[InputRequired()])
    ends = TimeField(_l("To"), validators=[InputRequired()])
    slot_minutes = IntegerField(_l("Minutes per consultation"), default=30,
                                validators=[InputRequired(), NumberRange(min=10, max=240)])
    place = StringField(_l("Place"), filters=[strip_filter], validators=[Length(max=200), no_control_characters],
                        description=_l("A room, e.g. «кабинет ИКТ, 214», or «онлайн»."))
    online_url = StringField(_l("Link for online consultations"), filters=[strip_filter],
                             validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))])
    valid_from = RuDateField(_l("From date"), validators=[InputRequired()])
    valid_until = RuDateField(_l("Until date"), validators=[InputRequired()])


class BookingForm(FlaskForm):
    topic = TextAreaField(_l("Your question"), filters=[strip_filter],
                          validators=[DataRequired(message=_l("Write your question before booking.")),
                                      Length(max=2000), no_control_characters],
                          description=_l("What you would like to discuss, so the tutor can prepare."))
    file = FileField(_l("A file for the tutor (optional)"))


class OutcomeForm(FlaskForm):
    held = SelectField(_l("Did the consultation take place?"), coerce=int,
                       choices=options([(1, _l("Yes, it was held")), (0, _l("No, the teacher did not come"))]))
    notes = TextAreaField(_l("Notes (seen by tutors and staff only)"), filters=[strip_filter],
                          validators=[Length(max=5000)])


class GroupForm(VersionedForm):
    programme_id = SelectField(_l("Programme"), coerce=int)
    name = StringField(_l("Group name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=120), no_control_characters],
                       description=_l("For example «IT-школа, группа 1 (осень 2026)»."))
    source = SelectField(_l("Formed by"), choices=options(GROUP_SOURCES.items()))
    association_id = SelectField(_l("Methodological association"), coerce=optional_int)
    tutor_id = SelectField(_l("Tutor"), coerce=optional_int)
    capacity = IntegerField(_l("Places"), default=20, validators=[InputRequired(), NumberRange(min=1, max=500)])
    starts_on = RuDateField(_l("Starts on"), validators=[Optional()])
    ends_on = RuDateField(_l("Ends on"), validators=[Optional()])


class AddMembersForm(FlaskForm):
    # Check boxes, not a multiple select: a phone shows them, and the search above narrows them.
    user_ids = MultiCheckboxField(_l("Teachers"), coerce=int,
                                  validators=[DataRequired(message=_l("Choose at least one teacher."))])


class ApproveForm(FlaskForm):
    order_number = StringField(_l("Order number"), filters=[strip_filter],
                               validators=[DataRequired(), Length(max=40), no_control_characters])
    order_date = RuDateField(_l("Order date"), validators=[InputRequired()])


class AssignModuleForm(FlaskForm):
    target = SelectField(_l("Assign to"), choices=options([("group", _l("A whole group")),
                                                           ("user", _l("One teacher"))]))
    group_id = SelectField(_l("Group"), coerce=optional_int, validate_choice=True)
    user_id = SelectField(_l("Teacher"), coerce=optional_int, validate_choice=True)
    due_on = RuDateField(_l("Due date"), validators=[InputRequired()])


class SessionPlanForm(FlaskForm):
    module_id = SelectField(_l("Module"), coerce=int)
    topic = StringField(_l("Topic"), filters=[strip_filter], validators=[Length(max=300), no_control_characters])
    first_day = RuDateField(_l("First date"), validators=[InputRequired()])
    starts = TimeField(_l("Starts at"), validators=[InputRequired()])
    minutes = IntegerField(_l("Duration, minutes"), default=90, validators=[InputRequired(), NumberRange(15, 480)])
    weeks = IntegerField(_l("Weeks in a row"), default=1, validators=[InputRequired(), NumberRange(1, 52)],
                         description=_l("1 for a single session; more for the same time every week."))
    room_id = SelectField(_l("Room"), coerce=optional_int)
    online_url = StringField(_l("Link for an online session"), filters=[strip_filter],
                             validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))])
    tutor_id = SelectField(_l("Tutor"), coerce=optional_int)


class SessionMoveForm(VersionedForm):
    day = RuDateField(_l("Date"), validators=[InputRequired()])
    starts = TimeField(_l("Starts at"), validators=[InputRequired()])
    minutes = IntegerField(_l("Duration, minutes"), validators=[InputRequired(), NumberRange(15, 480)])
    room_id = SelectField(_l("Room"), coerce=optional_int)
    online_url = StringField(_l("Link for an online session"), filters=[strip_filter],
                             validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))])


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=120), no_control_characters])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(1, 1000)])
    opens = TimeField(_l("Opens at"), validators=[InputRequired()])
    closes = TimeField(_l("Closes at"), validators=[InputRequired()])
    weekdays = SelectMultipleField(_l("Working days"), coerce=int, choices=options(WEEKDAYS.items()),
                                   validators=[DataRequired(message=_l("Choose at least one day."))])


class CheckInForm(FlaskForm):
    code = StringField(_l("Code from the screen"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=12), Regexp(r"^[\d ]+$", message=_l("Digits only."))])


class MeetingReportForm(FlaskForm):
    file = FileField(_l("Attendance report of the online meeting (CSV)"), validators=[
        FileRequired(message=_l("Choose a file.")), FileAllowed(["csv"], message=_l("Only CSV files."))])


class TaskForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    instructions = TextAreaField(_l("What to hand in"), validators=[Length(max=50_000)], description=RICH_TEXT_HELP)
    rubric = TextAreaField(_l("Rubric"), validators=[DataRequired(), Length(max=5000)],
                           description=_l("One criterion per line: «Цель урока сформулирована — 2»."))
    pass_points = IntegerField(_l("Points to accept"), default=0, validators=[InputRequired(), NumberRange(0, 1000)])


class WorkForm(FlaskForm):
    """Handing in practical work, for any task (a module's or a diagnostic's)."""

    text = TextAreaField(_l("Text"), filters=[strip_filter], validators=[Length(max=20_000)])
    link = StringField(_l("Link"), filters=[strip_filter],
                       validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))])
    file = FileField(_l("File"))


class WorkReviewForm(VersionedForm):
    decision = SelectField(_l("Decision"), choices=options([("accepted", _l("Accept")),
                                                            ("returned", _l("Return for rework"))]))
    comment = TextAreaField(_l("Comment for the teacher"), filters=[strip_filter], validators=[Length(max=5000)])


class LessonFileForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])
