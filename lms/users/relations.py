"""People around a teacher (their mentor…) as plugins know them: a plugin registers a lookup for a relation in
its ``init_app``, and any package asks for it here, so a document can name a teacher's mentor without
importing the plugin that keeps the mentoring register."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask

from lms.registries import register, registered

#: The relations a lookup may be registered for, each with the one meaning every package relies on.
RELATIONS = {
    #: The teacher's mentor(s) in a mentoring pair whose period meets the asked period.
    "mentor": "mentor",
}

#: ``lookup(teacher_id, since, until)`` → the people (``lms.users.models.User``) in that relation to the
#: teacher during the period ``since``…``until`` (either end None: open).
Lookup = Callable[[int, date | None, date | None], list]


def register_relation(app: Flask, relation: str, lookup: Lookup) -> None:
    """Called from a plugin's ``init_app``; one lookup per relation."""
    if relation not in RELATIONS:
        raise ValueError(f"Unknown relation {relation!r}")
    register(app, "lms.relations", relation, lookup, "Relation")


def people_around(teacher_id: int, relation: str, since: date | None = None, until: date | None = None) -> list:
    """The people in ``relation`` to the teacher during the period; empty when no plugin keeps it."""
    lookup = registered("lms.relations").get(relation)
    return list(lookup(teacher_id, since, until)) if lookup is not None else []
