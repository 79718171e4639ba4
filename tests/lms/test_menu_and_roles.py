"""The top menu leads each role to its work (a tutor's caseload and one review inbox); the roles page speaks in
labels, not permission codes."""

from __future__ import annotations

import re

from lms.users.permissions import all_permissions


def _menu(page: str) -> str:
    return re.search(r'<nav id="main-nav".*?</nav>', page, re.S).group(0)


def test_a_tutor_finds_the_caseload_and_the_review_inbox_in_the_menu(login_as):
    for role in ("tutor", "staff", "admin"):
        menu = _menu(login_as(role).get("/").text)
        assert 'href="/assessments/routes/caseload"' in menu, role
        assert menu.count('href="/courses/reviews/"') == 1, role  # one inbox for both kinds of work
    teacher = _menu(login_as("teacher").get("/").text)
    assert "/assessments/routes/caseload" not in teacher and "/courses/reviews/" not in teacher


def test_the_menu_entry_of_the_caseload_is_marked_current_on_its_page(login_as):
    page = login_as("tutor").get("/assessments/routes/caseload").text
    assert 'href="/assessments/routes/caseload" aria-current="page"' in _menu(page)


def test_the_roles_page_shows_what_each_permission_allows_not_its_code(app, login_as):
    page = login_as("admin").get("/admin/users/roles").text
    body = page.split('<main id="content"', 1)[1]
    for permission in all_permissions(app).values():
        assert permission.name not in body, permission.name
        assert str(permission.description).replace("'", "&#39;") in body or \
            str(permission.description) in body, permission.name
