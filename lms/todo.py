"""The «Что сделать» block of the home page: each plugin registers what waits for a person in its part of the
service, and the home page lists what applies to them now, most pressing first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask

from lms.registries import register, registered

#: How pressing an item is; the block lists them in this order.
URGENT, TODAY, SOON = 0, 1, 2


@dataclass(frozen=True)
class Todo:
    """One line of the block.

    :param text: what waits, in the reader's language, with its number («2 маршрута ждут проверки»).
    :param endpoint: the page where it is done, with ``args`` for its URL (built when shown).
    :param rank: :data:`URGENT`, :data:`TODAY` or :data:`SOON`.
    """

    text: str
    endpoint: str
    args: dict = field(default_factory=dict)
    rank: int = SOON


#: Given the signed-in user and the moment (UTC), the items of one part of the service; it checks the user's
#: permissions itself and returns nothing when none apply.
Source = Callable[[object, datetime], Iterable[Todo]]


def register_source(app: Flask, key: str, source: Source) -> None:
    """Called from a plugin's ``init_app``; ``key`` names the source (``courses.reviews``)."""
    register(app, "lms.todo", key, source, "To-do source")


def todos(user, now: datetime) -> list[Todo]:
    """Everything waiting for ``user``, most pressing first, then in the order the sources were registered."""
    found = [item for source in registered("lms.todo").values() for item in source(user, now)]
    return sorted(found, key=lambda item: item.rank)
