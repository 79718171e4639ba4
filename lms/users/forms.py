"""User editing and teacher import forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from lms.forms import RuDateField, VersionedForm, no_control_characters, optional_int, options, strip_filter
from lms.i18n import _l
from lms.users.choices import CATEGORIES, POSITIONS, ROLES
from lms.users.rules import name_problem, phone_problem, subject_problem


def _rule(check):
    """A WTForms validator from a rule in lms.users.rules (the import applies the same rules)."""

    def validate(form, field):
        problem = check(field.data or "")
        if problem:
            raise ValidationError(problem)

    return validate


def _subjects_rule(form, field):
    for name in (field.data or "").split(","):
        problem = subject_problem(name.strip())
        if problem:
            raise ValidationError(problem)


NAME_VALIDATORS = [_rule(name_problem)]


class _OptionalBox(widgets.CheckboxInput):
    """A box of a list: never ``required`` on its own, or the browser would demand every box ticked before sending
    a list that needs at least one (the server says so at the list when none is)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("required", False)
        return super().__call__(field, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = _OptionalBox()

    def pre_validate(self, form):
        # WTForms' own message for this case has no Russian translation.
        known = {str(choice.value) for choice in self.choices}
        if any(str(value) not in known for value in self.data or ()):
            raise ValidationError(_l("Choose from the listed options."))


class UserForm(VersionedForm):
    last_name = StringField(_l("Last name"), filters=[strip_filter], validators=[DataRequired(), *NAME_VALIDATORS])
    first_name = StringField(_l("First name"), filters=[strip_filter], validators=[DataRequired(), *NAME_VALIDATORS])
    middle_name = StringField(_l("Patronymic"), filters=[strip_filter], validators=[Optional(), *NAME_VALIDATORS])
    email = EmailField(_l("E-mail"), filters=[strip_filter],
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone"), filters=[strip_filter], validators=[Optional(), _rule(phone_problem)])
    roles = MultiCheckboxField(_l("Roles"), choices=options(ROLES.items()),
                               validators=[DataRequired(message=_l("Choose at least one role."))])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8, max=200)],
                             description=_l("Leave empty to send the person a link to set their own password."))
    school_id = SelectField(_l("School"), coerce=optional_int, validate_choice=True)
    position = SelectField(_l("Position"), choices=options(POSITIONS.items(), blank="—"))
    qualification_category = SelectField(_l("Qualification category"), choices=options(CATEGORIES.items()),
                                         default="none")
    category_assigned_on = RuDateField(_l("Category assigned on"), validators=[Optional()], first_year=1950)
    experience_years = IntegerField(_l("Teaching experience, years"),
                                    validators=[Optional(), NumberRange(min=0, max=70)])
    association_id = SelectField(_l("Methodological association"), coerce=optional_int, validate_choice=True)
    subjects = StringField(_l("Subjects"), filters=[strip_filter],
                           validators=[Length(max=500), no_control_characters, _subjects_rule],
                           description=_l("Separate subjects with commas: Математика, Информатика"))


class ImportForm(FlaskForm):
    file = FileField(_l("File with teachers (CSV or XLSX)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only CSV and XLSX files can be imported.")),
    ])
    mode = RadioField(_l("Existing e-mails"), default="create", choices=options([
        ("create", _l("Report them as errors (add new teachers only)")),
        ("upsert", _l("Update those teachers' data")),
    ]))
    dry_run = SelectField(_l("Action"), default="check", choices=options([
        ("check", _l("Only check the file")),
        ("import", _l("Check and import")),
    ]))


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=options(ROLES.items(), blank=_l("All roles")),
                       validate_choice=False)
    school_id = SelectField(_l("School"), coerce=optional_int, validate_choice=False)
    status = SelectField(_l("Status"), choices=options([("active", _l("Active")), ("inactive", _l("Deactivated")),
                                                        ("all", _l("All"))]), default="active", validate_choice=False)
