"""Services of the community plugin: take plain values and models, flush, never commit."""

from __future__ import annotations

from lms.i18n import _


def changed() -> str:
    """The message :func:`lms.models.mixins.check_version` shows for any community record edited in two tabs."""
    return _("This record was changed by someone else while you were editing it, so your changes were not saved. "
             "Check the current data in the list; saving this form again will replace it with what you see here.")
