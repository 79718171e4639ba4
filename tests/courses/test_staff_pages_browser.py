"""In real Chromium, the staff pages of issue 16: the tutor finds the caseload and the one review inbox in the menu;
staff read a group's modules, find teachers in the picker as they type, add them and see the list in alphabetical
order; staff recalculate the item parameters with a button; the roles page names what each permission allows."""

from __future__ import annotations

from datetime import timedelta

from assessments import demo
from assessments.services import framework as frameworks
from courses.models import Group
from courses.services.groups import assign_module
from lms.extensions import db
from lms.i18n import local_today
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.factories import make_programme, make_user

pytestmark = BROWSER_MARKS


def test_the_staff_pages_in_a_browser(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        staff = make_user("staff", email="staff@example.org")
        make_user("tutor", email="tutor@example.org")
        make_user("admin", email="admin@example.org")
        for last, first in (("Яковлева", "Ольга"), ("Ёлкина", "Анна"), ("Иванова", "Мария"), ("Ивашкина", "Елена"),
                            ("Петров", "Сергей")):
            make_user("teacher", email=f"{last}@example.org".lower(), last_name=last, first_name=first)
        programme = make_programme(modules=2, lessons=0)
        group = Group(programme_id=programme.id, name="Группа ИКТ-1", capacity=20)
        db.session.add(group)
        db.session.flush()
        assign_module(programme.modules[0], due_on=local_today() + timedelta(days=30), actor=staff, group=group)
        framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
        db.session.commit()
        group_id, framework_id = group.id, framework.id
        modules = [m.title for m in programme.modules]
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "tutor@example.org")
    menu = page.locator("#main-nav")
    assert menu.get_by_role("link", name="Сопровождаемые педагоги").is_visible()
    assert menu.locator('a[href="/courses/reviews/"]').count() == 1
    page.context.close()

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "staff@example.org")
    page.goto(f"{base}/courses/groups/{group_id}")
    listed = page.locator("section").filter(has=page.get_by_role("heading", name="Модули (2)"))
    for title in modules:
        assert listed.get_by_text(title).first.is_visible()
    search = page.get_by_label("Найти педагога по ФИО, эл. почте или их части")
    search.fill("ива")  # as one types: Иванова and Ивашкина stay, the others hide
    choices = page.locator("#member-choices label.check")
    visible = [choices.nth(i).text_content().strip() for i in range(choices.count()) if choices.nth(i).is_visible()]
    assert len(visible) == 2 and all(text.startswith(("Иванова", "Ивашкина")) for text in visible)
    page.screenshot(path=str(ARTIFACTS / "group-picker.png"), full_page=True)
    search.fill("")
    for name in ("Яковлева", "Ёлкина", "Иванова"):
        page.locator("#member-choices label.check").filter(has_text=name).click()
    page.locator("#member-choices").get_by_role("button", name="Добавить").click()
    members = page.locator("section").filter(has=page.get_by_role("heading", name="Участники (3)"))
    page.screenshot(path=str(ARTIFACTS / "group-members.png"), full_page=True)
    names = members.locator("tbody tr th, li").all_text_contents()
    order = [next(n for n in ("Ёлкина", "Иванова", "Яковлева") if n in text) for text in names
             if any(n in text for n in ("Ёлкина", "Иванова", "Яковлева"))]
    assert order == ["Ёлкина", "Иванова", "Яковлева"]  # ё read as е, as in a register

    page.goto(f"{base}/assessments/bank/statistics?framework={framework_id}")
    page.locator("#recalculate").get_by_role("button", name="Пересчитать параметры").click()
    assert page.locator(".flash-success").get_by_text("Пересчёт запущен").is_visible()
    page.context.close()

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "admin@example.org")
    page.goto(f"{base}/admin/users/roles")
    assert page.get_by_text("Проверять практические работы педагогов").first.is_visible()
    assert page.get_by_text("courses.review_assignments").count() == 0
