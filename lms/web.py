"""Small helpers shared by views of every package."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import TypeVar
from urllib.parse import quote, urlsplit

from flask import Response, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.sql import MAX_ID, load_locked, parse_id, valid_id

T = TypeVar("T")


def safe_back(target: str | None, default: str = "main.dashboard") -> str:
    """``target`` when it is a path on this site, else the default page: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for(default)


def get_or_404(model, ident, rule=None, *, options=(), locked=False):
    """Load ``model`` by primary key: 404 when missing, 403 when ``rule(current_user, obj)`` is false.

    ``options``: loader options for what the view reads next (one statement instead of a lazy load each).
    ``locked``: read with the row's write lock held (``load_locked``), for a view whose service locks it anyway.
    """
    if isinstance(ident, int) and valid_id(ident) is None:
        abort(404)
    obj = load_locked(model, ident, *options) if locked else db.session.get(model, ident, options=options)
    if obj is None:
        abort(404)
    if rule is not None and not rule(current_user, obj):
        abort(403)
    return obj


def save(form, action: Callable[[], T], *, versioned=None) -> T | None:
    """Run a view's one service call and commit; when a rule refuses, roll back and say why.

    The message goes under the form field the service named, or to a flash message. After a
    :class:`ConflictError` the form's hidden version is moved to the current one, so saving again
    is a deliberate choice to replace the other person's edit.

    :param action: calls the service; it returns the object it created or changed (never None).
    :param versioned: the object the form edits, for conflicts.
    :returns: what ``action`` returned, or None when it was refused.
    """
    try:
        result = action()
        db.session.commit()
    except StaleDataError:
        # The version matched when checked, but another save won the race to the database.
        db.session.rollback()
        if versioned is not None:
            form.version.data = versioned.version
        flash(_("Someone else saved the same data a moment ago, so your changes were not saved. "
                "Check the current data; saving this form again will replace it."), "error")
        return None
    except IntegrityError:
        # Two requests (a double click, two people on one page) recorded the same unique fact at the
        # same moment and the database refused the later one. Services avoid this where they can; this
        # is the net that turns whatever is left into a message instead of a 500.
        db.session.rollback()
        current_app.logger.warning("A save was refused by a database constraint", exc_info=True)
        flash(_("Someone else saved the same data at the same moment, so your changes were not saved. "
                "Reload the page to see the current data."), "error")
        return None
    except ConflictError as exc:
        db.session.rollback()
        if versioned is not None:
            form.version.data = versioned.version
        flash(exc.message, "error")
        return None
    except ServiceError as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None) if exc.field else None
        if field is not None and hasattr(field, "errors"):
            field.errors.append(exc.message)
        else:
            flash(exc.message, "error")
        return None
    return result


def download(data: bytes | str, filename: str, mimetype: str | None = None, *, attachment: bool = True,
             cache: str = "no-store") -> Response:
    """A generated file (an export, a document, a calendar) as the response: the one way views send one.

    The name goes out twice, as RFC 6266 wants: an ASCII fallback and the exact UTF-8 name (RFC 5987), so
    «ИОМ Ивановой.docx» arrives as itself and no name can break out of the header. ``nosniff`` keeps the
    browser from reading a download as a page; ``no-store``, from leaving personal data in caches.

    :param data: the file's bytes (text is sent as UTF-8).
    :param filename: the name the browser saves it under; path separators and control characters are dropped.
    :param mimetype: the type; by default guessed from the name's extension.
    :param attachment: False sends it inline (a calendar feed a phone subscribes to).
    :param cache: the ``Cache-Control`` value, for the rare file that may be kept a while.
    """
    name = re.sub(r'[\x00-\x1f\x7f/\\"]+', "_", filename).strip(" .") or "download"
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    fallback = "".join((re.sub(r"[^A-Za-z0-9._-]+", "_", unicodedata.normalize("NFKD", stem).encode("ascii", "ignore")
                               .decode()).strip("_.") or "download", dot, re.sub(r"[^A-Za-z0-9]", "", extension)))
    response = Response(data, mimetype=mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream")
    response.headers["Content-Disposition"] = (f"{'attachment' if attachment else 'inline'}; filename=\"{fallback}\"; "
                                               f"filename*=UTF-8''{quote(name, safe='')}")
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


#: A query-string id (``request.args.get("x", type=arg_id)``): a bad or out-of-range one reads as absent.
arg_id = parse_id


def arg_page(value: str) -> int:
    """A list's page number from the query string (``type=arg_page``); a silly one reads as the first page."""
    number = int(value)
    if not 1 <= number <= 100_000:
        raise ValueError(value)
    return number


#: Rows on one page of a list.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of a list, as the ``pager`` macro (``_macros/pager.html``) shows it."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(rows: Select | Sequence, page: int | None = None, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` a list view shows: every list that can grow is cut this way.

    A statement costs two queries whatever the page holds (the count and the rows; eager loading stays the
    statement's), so a page's SQL count does not grow with the list; one entity gives objects, several give
    rows. A list already built (one filtered or sorted in Python) is cut as it is. A page past the last
    shows the last one: a list that shrank since its link was made.

    :param page: the page number; by default the request's ``?page=`` (a silly one reads as the first).
    """
    if page is None:
        page = request.args.get("page", 1, type=arg_page)
    if isinstance(rows, Select):
        total = db.session.scalar(select(func.count()).select_from(rows.options(lazyload("*")).order_by(None)
                                                                      .subquery()))
    else:
        total = len(rows)
    page = min(max(page, 1), max(1, ceil(total / per_page)))
    start = (page - 1) * per_page
    if isinstance(rows, Select):
        result = db.session.execute(rows.limit(per_page).offset(start))
        items = list(result.unique().scalars()) if len(rows.column_descriptions) == 1 else list(result)
    else:
        items = list(rows[start:start + per_page])
    return Page(items=items, page=page, per_page=per_page, total=total)


class IdConverter(IntegerConverter):
    """Flask's ``int`` URL converter, capped at :data:`MAX_ID`."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
