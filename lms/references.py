"""Records one plugin keeps that another names (an internship's organiser, a material's competency): the keeper
registers a source for a purpose in its ``init_app``; the other package offers, checks and shows the records
through here, storing ``kind`` + ``id``, so neither imports the other and the core imports neither."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask

from lms.models.sql import valid_id
from lms.registries import register, registered

#: The purposes a source may be registered for, each with the one meaning every package relies on.
PURPOSES = {
    #: Who organises an activity of the route catalogue (a school that is an internship or base site…).
    "organiser": "organiser",
    #: A competency of the digital-competence framework that a material or a practice is tagged with.
    "competency": "competency",
}


@dataclass(frozen=True)
class Source:
    """One kind of record offered for a purpose.

    :param purpose: a :data:`PURPOSES` key.
    :param kind: short code stored beside the id (``school_status``); unique per purpose, at most 40 characters.
    :param label: lazy-translated name of the kind, the group heading in a choice list.
    :param choices: returns ``[(id, title)]`` of the records a form may offer now.
    :param titles: given ids, returns ``{id: title}`` of those that exist (any, not only those offered now:
        a stored reference still shows). Called once per page or save, for the ids shown or checked.
    """

    purpose: str
    kind: str
    label: object
    choices: Callable[[], list[tuple[int, str]]]
    titles: Callable[[list[int]], dict[int, str]]


def register_source(app: Flask, source: Source) -> None:
    """Called from a plugin's ``init_app``."""
    if source.purpose not in PURPOSES:
        raise ValueError(f"Unknown purpose {source.purpose!r}")
    if not source.kind or len(source.kind) > 40 or ":" in source.kind:
        raise ValueError(f"Bad kind {source.kind!r}")
    register(app, "lms.references", (source.purpose, source.kind), source, "Source")


def sources(purpose: str) -> list[Source]:
    """The sources of a purpose, in the order they were registered; empty when no plugin keeps one."""
    return [s for (p, _kind), s in registered("lms.references").items() if p == purpose]


def value_of(kind: str, ident: int) -> str:
    """A reference as a form's choice value: ``school_status:12``."""
    return f"{kind}:{ident}"


def parse(value: str | None) -> tuple[str, int] | None:
    """A choice value back into ``(kind, id)``; None for an empty, malformed or out-of-range one."""
    kind, _sep, number = (value or "").partition(":")
    ident = valid_id(int(number)) if number.isdigit() and len(number) <= 12 else None
    return (kind, ident) if kind and ident is not None else None


def choices(purpose: str) -> list[tuple[str, str]]:
    """Every record a form may offer for the purpose, as ``(value, "kind label: title")``."""
    return [(value_of(s.kind, ident), f"{s.label}: {title}") for s in sources(purpose) for ident, title in s.choices()]


def titles(purpose: str, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The titles of the references that exist (one call of each source); unknown kinds and ids are left out."""
    wanted: dict[str, set[int]] = {}
    for kind, ident in refs:
        wanted.setdefault(kind, set()).add(ident)
    found: dict[tuple[str, int], str] = {}
    for source in sources(purpose):
        if source.kind in wanted:
            found.update({(source.kind, i): t for i, t in source.titles(sorted(wanted[source.kind])).items()})
    return found


def title_of(purpose: str, kind: str, ident: int) -> str | None:
    """The title of one reference, or None when no source of the purpose knows it (the save is then refused)."""
    return titles(purpose, [(kind, ident)]).get((kind, ident))
