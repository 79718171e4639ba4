"""Signals are the plugins' only channel: each is declared once, documented, and sent where promised."""

from __future__ import annotations

from blinker import NamedSignal

from lms import signals
from lms.extensions import db
from tests.factories import make_user


def test_every_signal_has_a_docstring():
    declared = {name: value for name, value in vars(signals).items() if isinstance(value, NamedSignal)}
    assert {"module_completed", "diagnostic_completed", "lti_score_received"} <= declared.keys()
    source = open(signals.__file__, encoding="utf-8").read()
    for name in declared:
        after = source.split(f"{name} = _signals.signal(", 1)[1]
        assert after.split("\n", 1)[1].lstrip().startswith('"""'), f"{name} has no docstring"


def test_user_created_and_deactivated_are_sent(app):
    from lms.users.services import deactivate_user

    seen = []
    with signals.user_created.connected_to(lambda sender, **kw: seen.append(("created", kw["user"].email))), \
            signals.user_deactivated.connected_to(lambda sender, **kw: seen.append(("deactivated", kw["user"].email))):
        user = make_user("teacher", email="sig@example.org")
        deactivate_user(user)
        db.session.commit()
    assert seen == [("created", "sig@example.org"), ("deactivated", "sig@example.org")]
