"""Form pieces shared by every package: the CSRF-only action form and common validators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from lms.i18n import _l
from lms.inputs import has_control_character
from lms.models.sql import parse_id


class ActionForm(FlaskForm):
    """A form with no fields: a POST button (deactivate, send link…) still carries the CSRF token."""


class VersionedForm(FlaskForm):
    """An edit form that remembers which version of the object it was opened on."""

    version = HiddenField()

    def version_value(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1


#: The years a typed date may fall in. Far outside them date arithmetic overflows (a week after
#: 31.12.9999 is no date at all) and no plan of the service needs them.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class RuDateField(DateField):
    """A date typed as ДД.ММ.ГГГГ whatever the browser's language (ISO dates are accepted too),
    in the years ``first_year``…``last_year``."""

    def __init__(self, label=None, validators=None, *, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR,
                 **kwargs):
        render_kw = {"placeholder": _l("DD.MM.YYYY"), "inputmode": "numeric", "autocomplete": "off",
                     **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, format=["%d.%m.%Y", "%Y-%m-%d"], render_kw=render_kw, **kwargs)
        self.widget = TextInput()
        self.first_year, self.last_year = first_year, last_year

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.first_year <= self.data.year <= self.last_year:
            self.data = None
            raise ValueError(_l("Enter a date in the years %(first)d to %(last)d.", first=self.first_year,
                                last=self.last_year))

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d.%m.%Y") if self.data else ""


def options(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, optionally led by an empty choice labelled ``blank``."""
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(value, label) for value, label in pairs]


def optional_int(value):
    """Coerce for selects of ids whose empty choice means "none"; a number no id can have is refused (the
    field is then invalid, or a filter left unapplied) before it reaches the database."""
    return None if value in (None, "", "None") else parse_id(value)


def no_control_characters(form, field):
    """Refuse text with control characters (pasted from binary files, or an attack): the rule of
    :mod:`lms.inputs`, for values that reach a form by another way than a request (a test, a CLI)."""
    value = field.data or ""
    if isinstance(value, str) and has_control_character(value, multiline=True):
        raise ValidationError(_l("The text contains control characters."))


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
