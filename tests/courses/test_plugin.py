"""The courses plugin honours the contract: blueprint, permissions, navigation, home page."""

from __future__ import annotations

import courses
from lms.plugins import Plugin


def test_plugin_description():
    plugin = courses.plugin
    assert isinstance(plugin, Plugin) and plugin.name == plugin.blueprint.name == "courses"
    assert plugin.requires == ()
    names = {p.name for p in plugin.permissions}
    assert all(name.startswith("courses.") for name in names)
    assert {"courses.view", "courses.manage_catalogue", "courses.book_consultation", "courses.hold_consultations",
            "courses.manage_groups", "courses.approve_groups"} <= names


def test_home_page_in_russian_for_a_teacher(login_as):
    page = login_as("teacher").get("/courses/")
    assert page.status_code == 200
    assert "<h1>Программы</h1>" in page.text and 'aria-current="page">Программы' in page.text


def test_catalogue_editing_is_staff_only(app, people):
    from lms.users.permissions import has_permission

    assert has_permission(people["staff"], "courses.manage_catalogue")
    assert not has_permission(people["teacher"], "courses.manage_catalogue")


def test_the_menu_marks_exactly_one_current_section(login_as):
    page = login_as("teacher").get("/courses/consultations/").text
    assert page.count('aria-current="page"') == 1
    assert 'aria-current="page">Консультации' in page
