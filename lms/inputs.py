"""The one rule for control characters in what a request sends: refused with a 400 before any view runs."""

from __future__ import annotations

import re

from flask import Flask, render_template, request

from lms.i18n import _

#: Control characters (Unicode Cc) no name, address, number or query argument ever holds. A NUL byte
#: makes PostgreSQL refuse the whole statement; the others are invisible and break exports and e-mails.
_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Form text (a comment, a lesson, an answer) may hold tab, line feed and carriage return, nothing else.
_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_character(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a control character; with ``multiline`` tab, CR and LF are allowed.

    :param value: text from a form, a query string, a file name or a JSON body.
    :param multiline: True for the text of a form field, False for names, keys and query arguments.
    """
    return (_IN_TEXT if multiline else _IN_NAMES).search(value) is not None


def _json_strings(value, depth: int = 0):
    """Every key and string of a parsed JSON body (nesting beyond 50 levels is refused outright)."""
    if depth > 50:
        yield "\x00"
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, depth + 1)


def request_problem() -> str | None:
    """The first place of this request that breaks the rule, as ``"form:name"`` and the like, else None."""
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and has_control_character(value):
            return f"path:{key}"
    for key, value in request.args.items(multi=True):
        if has_control_character(key) or has_control_character(value):
            return f"args:{key!r}"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    for key, value in request.form.items(multi=True):
        if has_control_character(key) or has_control_character(value, multiline=True):
            return f"form:{key!r}"
    for key, upload in request.files.items(multi=True):
        if has_control_character(key) or has_control_character(upload.filename or ""):
            return f"file:{key!r}"
    if request.is_json:
        body = request.get_json(silent=True)
        if any(has_control_character(text, multiline=True) for text in _json_strings(body)):
            return "json"
    return None


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        problem = request_problem()
        if problem is None:
            return None
        app.logger.info("Refused a request to %s: a control character in %s", request.path, problem)
        message = _("Something you sent (a field, a file name or the address) contains an invisible control "
                    "character, such as a NUL byte, that cannot be saved. Nothing was changed. Remove it — "
                    "typing the text again instead of pasting it usually helps — and try again.")
        return render_template("errors/generic.html", code=400, title=_("Unreadable characters"),
                               message=message), 400
