"""The control-character rule of lms.inputs, for what the walk of tests/lms/test_access.py cannot send."""

from __future__ import annotations

import pytest

from lms.extensions import csrf
from lms.inputs import has_control_character


@pytest.mark.nodb
@pytest.mark.parametrize("char", [chr(n) for n in (*range(0, 32), *range(127, 160))])
def test_every_control_character_is_one_in_names_and_all_but_tab_and_line_breaks_in_text(char):
    assert has_control_character(f"Иванова{char}")
    assert has_control_character(f"Текст{char}", multiline=True) == (char not in "\t\r\n")


@pytest.mark.nodb
def test_ordinary_text_passes():
    assert not has_control_character("Смирнова-Петрова Анна Ёлкина «СОШ № 5» ½ € 😀")
    assert not has_control_character("Строка\r\n\tвторая", multiline=True)


def test_a_json_body_and_the_path_are_checked_too(app_factory):
    app = app_factory()
    app.add_url_rule("/test/json", "test_json", csrf.exempt(lambda: "ok"), methods=["POST"])
    app.add_url_rule("/test/path/<name>", "test_path", lambda name: "ok")
    raw = app.test_client()
    assert raw.post("/test/json", json={"title": "План", "items": [{"text": "да\nнет"}]}).status_code == 200
    assert raw.post("/test/json", json={"items": [{"text": "да\x00"}]}).status_code == 400
    assert raw.post("/test/json", json={"bad\x07key": 1}).status_code == 400
    assert raw.get("/test/path/plan").status_code == 200
    assert raw.get("/test/path/plan%00").status_code == 400
    assert raw.get("/test/path/plan?x%00=1").status_code == 400  # a key too


def test_public_pages_refuse_a_nul_with_the_same_page(client):
    for url in ("/auth/login?next=%00", "/auth/reset/abc%00def", "/auth/login?lang=%1b"):
        response = client.get(url)
        assert response.status_code == 400 and "Недопустимые символы" in response.text, url
    response = client.post("/auth/login", {"email": "a@example.org\x00", "password": "x"})
    assert response.status_code == 400
