"""LTI 1.3 as a platform: we launch registered external tools and take the scores they send back."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

from lms.registries import register, registered

#: Scopes a tool may ask for at our token endpoint.
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPE_LINEITEM_READ = AGS + "lineitem.readonly"
SCOPE_LINEITEM = AGS + "lineitem"
SCOPE_RESULT_READ = AGS + "result.readonly"
SCOPE_SCORE = AGS + "score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
# Not the full `lineitem` scope: our line items are made by us, one per launched route step, and a tool may
# read them and score them but not add, change or delete one. Asked for, it is left out of the grant (the
# token's `scope` says what was granted), so a tool never holds a right our endpoints would answer 405 to.
SCOPES = (SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE, SCOPE_NRPS)


def register_roster(app: Flask, kind: str, roster: Callable[[str], list]) -> None:
    """A plugin says who is in a context it gave a launch of ``kind``: ``roster(context_id)`` returns the
    users (the plugin reads its memberships; the core only lists them)."""
    register(app, "lms.lti.rosters", kind, roster, "LTI roster")


def roster_of(kind: str, context_id: str) -> list:
    roster = registered("lms.lti.rosters").get(kind)
    return roster(context_id) if roster else []
