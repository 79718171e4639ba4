"""Forms of the assessments plugin."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from assessments.engine.inputs import MAX_EXPOSURE, MAX_ITEMS, MIN_ITEMS
from lms.forms import RuDateField, VersionedForm, no_control_characters, options, strip_filter
from lms.i18n import _l
from lms.users.forms import MultiCheckboxField


class DiagnosticForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200), no_control_characters])
    description = TextAreaField(_l("Note for teachers"), filters=[strip_filter], validators=[Length(max=2000)])
    competency_ids = SelectMultipleField(_l("Competencies"), coerce=int,
                                         validators=[DataRequired(message=_l("Choose at least one competency."))])
    mode = SelectField(_l("Mode"), choices=options([
        ("adaptive", _l("Adaptive: questions chosen by the answers, stops when the profile is sure")),
        ("fixed", _l("Fixed form: the same questions for everyone"))]))
    min_per_competency = IntegerField(_l("At least, questions per competency"), default=MIN_ITEMS,
                                      validators=[InputRequired(), NumberRange(min=1, max=50)])
    max_per_competency = IntegerField(_l("At most, questions per competency"), default=MAX_ITEMS,
                                      validators=[InputRequired(), NumberRange(min=1, max=50)])
    max_items = IntegerField(_l("At most, questions in all"), validators=[Optional(), NumberRange(min=1, max=500)],
                             description=_l("Leave empty for no total limit."))
    time_limit_minutes = IntegerField(_l("Time limit, minutes"), validators=[Optional(), NumberRange(min=5, max=600)],
                                      description=_l("Leave empty for no limit. The server enforces it."))
    self_assessment = BooleanField(_l("Ask the self-assessment statement of each competency first"), default=True)
    pilot_percent = IntegerField(_l("Pilot questions, %"), default=0, validators=[InputRequired(),
                                                                                  NumberRange(min=0, max=50)],
                                 description=_l("New items shown unscored to collect answers for calibration."))
    exposure_percent = IntegerField(
        _l("Most-shown question: the share of teachers (per cent) it may reach"), default=round(MAX_EXPOSURE * 100),
        validators=[InputRequired(), NumberRange(min=10, max=100)],
        description=_l("No question is shown to more than this share of the teachers who take the framework's "
                       "diagnostics, so questions do not pass between colleagues. 100: no limit, questions are "
                       "chosen by their information alone."))
    opens_on = RuDateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = RuDateField(_l("Closes on"), validators=[InputRequired()])
    group_ids = SelectMultipleField(_l("Groups"), coerce=int)
    emails = TextAreaField(_l("Teachers by e-mail"), filters=[strip_filter], validators=[Length(max=20000)],
                           description=_l("One address per line; every member of the chosen groups takes it too."))


class DecimalCommaField(FloatField):
    """A number typed the Russian way (1,25) or the other (1.25)."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".").strip() for v in valuelist])


class ItemForm(VersionedForm):
    competency_id = SelectField(_l("Competency"), coerce=int)
    type = SelectField(_l("Type"))
    status = SelectField(_l("Status"))
    code = StringField(_l("Code"), filters=[strip_filter], validators=[DataRequired(), Length(max=40),
                                                                        no_control_characters])
    stem = TextAreaField(_l("Question"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    options_text = TextAreaField(
        _l("Options"), filters=[strip_filter], validators=[Length(max=5000)],
        description=_l("One option per line. Mark each correct option with «*» at the start; for a self-assessment "
                       "start each line with its level, e.g. «3 I use…». Practical tasks: one criterion per line as "
                       "«points | criterion»."))
    explanation = TextAreaField(_l("Explanation shown with the results"), filters=[strip_filter],
                                validators=[Length(max=2000)])
    a = DecimalCommaField(_l("Discrimination a"), validators=[Optional(), NumberRange(min=0.05, max=10)])
    b = DecimalCommaField(_l("Difficulty b"), validators=[Optional(), NumberRange(min=-10, max=10)])


class BankImportForm(FlaskForm):
    file = FileField(_l("Bank file (JSON)"), validators=[FileRequired(message=_l("Choose a file.")),
                                                        FileAllowed(["json"], message=_l("Only JSON files."))])


class CompetencyForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=300), no_control_characters])
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=[Length(max=5000)])
    level_1 = TextAreaField(_l("Level 1"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    level_2 = TextAreaField(_l("Level 2"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    level_3 = TextAreaField(_l("Level 3"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    level_4 = TextAreaField(_l("Level 4"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    level_5 = TextAreaField(_l("Level 5"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])
    level_6 = TextAreaField(_l("Level 6"), filters=[strip_filter], validators=[DataRequired(), Length(max=2000)])


class RouteSettingsForm(VersionedForm):
    period_start = RuDateField(_l("Period from"), validators=[InputRequired()])
    period_end = RuDateField(_l("Period to"), validators=[InputRequired()])
    weekly_hours = DecimalCommaField(_l("Hours a week the teacher can spend"), default=4,
                                     validators=[InputRequired(), NumberRange(min=0, max=40)])
    delivery = SelectField(_l("Delivery"), choices=options([("online", _l("Online only")),
                                                            ("onsite", _l("On site only"))], blank=_l("Either")))
    competency_ids = SelectMultipleField(_l("Competencies (leave empty for the diagnosed deficits)"), coerce=int)


class RouteActionForm(VersionedForm):
    text = TextAreaField(_l("Comment"), filters=[strip_filter], validators=[Length(max=5000)])


class StepForm(VersionedForm):
    activity_id = SelectField(_l("Activity"), coerce=int)
    starts_on = RuDateField(_l("From"), validators=[InputRequired()])
    ends_on = RuDateField(_l("To"), validators=[InputRequired()])
    hours = DecimalCommaField(_l("Hours"), validators=[Optional(), NumberRange(min=0.5, max=1000)])
    closes = MultiCheckboxField(_l("The deficits it closes"), coerce=int,
                                description=_l("Leave all unticked to take those the activity's coverage reaches."))


class StepChangeForm(VersionedForm):
    starts_on = RuDateField(_l("From"), validators=[InputRequired()])
    ends_on = RuDateField(_l("To"), validators=[InputRequired()])
    hours = DecimalCommaField(_l("Hours"), validators=[InputRequired(), NumberRange(min=0.5, max=1000)])


class ReassignForm(FlaskForm):
    tutor_id = SelectField(_l("Tutor"), coerce=int)


class ActivityForm(VersionedForm):
    kind = SelectField(_l("Kind"))
    title = StringField(_l("Title"), filters=[strip_filter], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=[Length(max=5000)])
    hours = DecimalCommaField(_l("Hours"), validators=[InputRequired(), NumberRange(min=0.5, max=1000)])
    form = SelectField(_l("Form"))
    delivery = SelectField(_l("Delivery"))
    organiser = StringField(_l("Organiser or resource"), filters=[strip_filter], validators=[Length(max=200)])
    organiser_ref = SelectField(_l("Organiser from the service's network"),
                                validate_choice=False,  # the service checks the organiser exists
                                description=_l("An internship or base site of a school; its name then becomes the "
                                               "organiser."))
    result_form = SelectField(_l("Form of the result"))
    url = StringField(_l("Link"), filters=[strip_filter],
                      validators=[Optional(), Length(max=500), URL(message=_l("Not a valid link."))])
    module_id = SelectField(_l("Programme module"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    session_id = IntegerField(_l("Scheduled session number"), validators=[Optional()])
    tutor_id = SelectField(_l("Tutor or mentor"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    starts_on = RuDateField(_l("Fixed dates: from"), validators=[Optional()])
    ends_on = RuDateField(_l("to"), validators=[Optional()])
    capacity = IntegerField(_l("Places"), validators=[Optional(), NumberRange(min=1, max=10000)])
    active = BooleanField(_l("Offered in new routes"), default=True)
    coverage = TextAreaField(_l("Competencies it develops"), filters=[strip_filter], validators=[Length(max=2000)],
                             description=_l("One per line: the competency code and the level reached, e.g. «D1.1 4»."))
    prerequisite_ids = SelectMultipleField(_l("Taken after"), coerce=int)
    lti_tool_id = SelectField(_l("LTI tool"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                              validate_choice=False,  # the service checks the tool exists
                              description=_l("An external module may open in a registered LTI tool; its score then "
                                             "completes the teacher's step."))
    lti_target_link_uri = StringField(_l("Address the tool opens"), filters=[strip_filter],
                                      validators=[Optional(), Length(max=500), URL(require_tld=False)])
    lti_custom = TextAreaField(_l("Custom parameters"), filters=[strip_filter], validators=[Length(max=2000)],
                               description=_l("One per line, «name=value»."))
    lti_pass_percent = IntegerField(_l("Pass mark, %"), default=100,
                                    validators=[Optional(), NumberRange(min=1, max=100)],
                                    description=_l("A score at or above this share of the tool's maximum completes "
                                                   "the step."))

    def custom_params(self) -> dict:
        pairs = (line.split("=", 1) for line in (self.lti_custom.data or "").splitlines() if "=" in line)
        return {name.strip(): value.strip() for name, value in pairs if name.strip()}


class RecalculateForm(FlaskForm):
    """The button that recalculates the item parameters; ``seen`` is the last recalculation the page showed, so
    that a second click of the same page is told, not obeyed."""

    seen = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,10}$")])

    def seen_value(self) -> int:
        return int(self.seen.data)
