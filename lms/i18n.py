"""The one place translation functions come from; locale selection and Russian-convention formatting."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, gettext, lazy_gettext, lazy_ngettext, lazy_pgettext, ngettext
from flask_login import current_user

from lms.models.mixins import utcnow

_ = gettext
_l = lazy_gettext
_n = ngettext
_ln = lazy_ngettext
_lp = lazy_pgettext  # (context, text): one English word, two Russian ones

__all__ = ["_", "_l", "_n", "_ln", "_lp", "select_locale", "format_date", "format_datetime",
           "format_number", "get_locale", "local_date", "local_today", "to_local"]


def select_locale() -> str:
    """The signed-in user's choice, else the session's, else Russian."""
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
        chosen = session.get("locale")
        if chosen in languages:
            return chosen
        if request.args.get("lang") in languages:
            return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_date(value: date | datetime | None) -> str:
    """ДД.ММ.ГГГГ in every interface language, as Russian documents write dates.

    A timestamp (stored as naive UTC) shows its date in the service's time zone: a certificate issued
    at 01:30 in Moscow is dated that day, not the previous one.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d.%m.%Y")


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) timestamp as an aware datetime in the service's time zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if value.tzinfo is not None:
        return value.astimezone(zone)
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)


def local_date(value: datetime | None) -> date | None:
    """The date a stored (naive UTC) timestamp has in the service's time zone: never ``value.date()``, which
    dates 00:30 in Moscow the day before."""
    return to_local(value).date() if value is not None else None


def local_today() -> date:
    """Today in the service's time zone: the date people in Moscow see, whatever zone the server runs in."""
    return to_local(utcnow()).date()


def format_time(value: datetime | None) -> str:
    """ЧЧ:ММ of a stored timestamp in the service's time zone."""
    return to_local(value).strftime("%H:%M") if value else ""


def format_weekday_date(value: datetime | None) -> str:
    """«среда, 25.11.2026» of a stored timestamp in the service's time zone and the user's language."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_date

    local = to_local(value)
    return f"{babel_date(local, 'EEEE', locale=str(get_locale()))}, {local.strftime('%d.%m.%Y')}"


def format_datetime(value: datetime | None) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in the service's time zone."""
    if value is None:
        return ""
    return _babel_datetime(value, "dd.MM.yyyy HH:mm", tzinfo=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                           locale="ru")


def format_number(value: float | int | None, digits: int = 0) -> str:
    """Russian number style: 1 234,5 (a non-breaking space groups thousands)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="ru")
