"""What platforms can launch: plugins register resource kinds here; the core never imports a plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask

from lms.registries import register, registered


@dataclass(frozen=True)
class ResourceKind:
    """One kind of launchable content, described by the plugin that owns it.

    :param kind: short code used in links (``programme``, ``diagnostic``).
    :param label: lazy-translated name of the kind for the picker.
    :param list_items: ``() -> [(id, title)]`` of the items staff may pick now (published, open …).
    :param url_for_item: ``(id) -> path`` of the page a launched user lands on.
    :param title: ``(id) -> str | None``: the item's title, None when it does not exist.
    :param is_available: ``(id) -> bool``: may it be launched now (not archived, not closed).
    :param score_maximum: the line item's ``scoreMaximum`` for a deep-linked item.
    """

    kind: str
    label: object
    list_items: Callable[[], Iterable[tuple[int, str]]]
    url_for_item: Callable[[int], str]
    title: Callable[[int], str | None]
    is_available: Callable[[int], bool]
    score_maximum: int = 100


def register_resource_kind(app: Flask, kind: str, label, list_items, url_for_item, title, is_available,
                           score_maximum: int = 100) -> None:
    """Called by a plugin's ``init_app``; a kind may be registered only once."""
    register(app, "lms.lti.resources", kind,
             ResourceKind(kind, label, list_items, url_for_item, title, is_available, score_maximum),
             "LTI resource kind")


def resource_kinds() -> dict[str, ResourceKind]:
    return registered("lms.lti.resources")


def parse_ref(value: str | None) -> tuple[ResourceKind, int] | None:
    """``"programme:5"`` → (its kind, 5); None for anything malformed or of an unknown kind."""
    if not value or not isinstance(value, str) or len(value) > 60:
        return None
    kind, _sep, number = value.partition(":")
    registered = resource_kinds().get(kind)
    if registered is None or not number.isdigit() or len(number) > 10 or not 0 < int(number) < 2**31:
        return None
    return registered, int(number)
