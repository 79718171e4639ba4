"""A row read under its write lock is read once per transaction: the view's locked read serves the service too."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from lms.extensions import db
from lms.models.sql import load_locked
from lms.users.models import User
from lms.web import get_or_404


def test_a_row_read_locked_is_not_read_again_in_the_same_transaction(app, people, count_queries):
    teacher_id = people["teacher"].id
    db.session.commit()
    with count_queries() as first:
        user = load_locked(User, teacher_id)
    assert user.id == teacher_id and first() >= 1
    with count_queries() as again:
        assert load_locked(User, teacher_id) is user
    assert again() == 0
    db.session.commit()  # the lock ended with the transaction: the next one reads (and locks) the row anew
    with count_queries() as after_commit:
        assert load_locked(User, teacher_id) is user
    assert after_commit() == first()


def test_a_rollback_ends_what_was_read_locked(app, people, count_queries):
    teacher_id = people["teacher"].id
    db.session.commit()
    load_locked(User, teacher_id)
    db.session.rollback()
    with count_queries() as n:
        load_locked(User, teacher_id)
    assert n() >= 1


def test_a_missing_row_is_none_and_a_404_when_locked_for_a_view(app, people):
    assert load_locked(User, 999_999) is None
    with app.test_request_context():
        with pytest.raises(NotFound):
            get_or_404(User, 999_999, locked=True)
        assert get_or_404(User, people["teacher"].id, locked=True).email == people["teacher"].email
