"""In real Chromium: an МО leader records a held meeting with attendance; a member sees it in «Моё участие»."""

from __future__ import annotations

from community.models import Meeting
from lms.extensions import db
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.community.helpers import make_mo
from tests.factories import make_user

pytestmark = BROWSER_MARKS


def test_leader_records_a_meeting_and_the_member_sees_it(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        leader = make_user("teacher", email="leader@example.org", last_name="Смирнова", first_name="Анна",
                           middle_name="Викторовна")
        member = make_user("teacher", email="member@example.org", last_name="Орлова", first_name="Ксения",
                           middle_name="Алексеевна")
        absent = make_user("teacher", email="absent@example.org", last_name="Гусев", first_name="Артём",
                           middle_name=None)
        make_mo(leader, name="Городское МО учителей информатики", members=[member, absent])
        db.session.commit()
        member_id = member.id
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "leader@example.org")
    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Моё участие").click()
    page.get_by_role("link", name="Городское МО учителей информатики").click()
    page.get_by_role("link", name="Новое заседание").click()
    page.get_by_label("Тема").fill("Формирующее оценивание на уроках информатики")
    page.get_by_label("Статус").select_option(label="Состоялось")
    page.get_by_label("Орлова Ксения Алексеевна").check()
    page.get_by_label("Протокол", exact=True).fill("Выступила Орлова К. А. с опытом работы.")
    page.get_by_label("Решения").fill("Рекомендовать приёмы для всех школ округа.")
    page.get_by_role("button", name="Сохранить").click()
    assert "Заседание сохранено" in page.locator(".flash-success").inner_text()
    assert page.get_by_role("heading", name="Присутствовали (1)").is_visible()
    page.screenshot(path=str(ARTIFACTS / "community-meeting.png"), full_page=True)

    with app.app_context():
        meeting = db.session.query(Meeting).one()
        assert meeting.status == "held" and [a.user_id for a in meeting.attendance] == [member_id]

    teacher = browser.new_context(locale="ru-RU").new_page()
    sign_in(teacher, base, "member@example.org")
    teacher.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Моё участие").click()
    row = teacher.get_by_role("row").filter(has_text="Формирующее оценивание на уроках информатики")
    assert "Присутствовал(а)" in row.inner_text()
    row.get_by_role("link", name="Формирующее оценивание на уроках информатики").click()
    assert "Рекомендовать приёмы для всех школ округа." in teacher.content()
    teacher.screenshot(path=str(ARTIFACTS / "community-my-participation.png"), full_page=True)
