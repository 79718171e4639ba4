"""The registries plugins fill from their ``init_app`` (permissions, relations, evidence, references, LTI kinds…):
one per app in ``app.extensions``, and a key registered twice is a start-up error, never a silent replacement."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app


def register(app: Flask, registry: str, key: Any, value: Any, what: str) -> None:
    """Add ``value`` under ``key`` to the app's ``registry``; ``what`` names the thing in the error."""
    entries: dict = app.extensions.setdefault(registry, {})
    if key in entries:
        raise ValueError(f"{what} {key!r} is registered twice")
    entries[key] = value


def registered(registry: str, app: Flask | None = None) -> dict:
    """The registry's entries in the order they were registered; empty when no plugin filled it."""
    return (app or current_app).extensions.get(registry, {})
