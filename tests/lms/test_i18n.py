"""Russian by default, English on request, complete catalogues, Russian date and number conventions."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from babel.messages.pofile import read_po

from lms.extensions import db
from lms.i18n import format_date, format_datetime, format_number, local_today
from lms.users.models import User
from tests.conftest import Client

ROOT = Path(__file__).resolve().parents[2]


def test_russian_is_the_default(client):
    page = client.get("/auth/login")
    assert '<html lang="ru">' in page.text and "Вход в систему" in page.text


def test_anonymous_visitor_switches_to_english_and_back(client):
    response = client.post("/language/en", {"next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login")
    assert '<html lang="en">' in page.text and "Sign in to Metodist" in page.text
    client.post("/language/ru", {"next": "/auth/login"})
    assert "Вход в систему" in client.get("/auth/login").text


def test_signed_in_user_keeps_the_language_on_every_device(login_as, people, app):
    client = login_as("teacher")
    version = people["teacher"].version
    client.post("/language/en", {"next": "/"})
    assert "Good day, Мария Петровна!" in client.get("/").text
    db.session.expire_all()
    user = db.session.get(User, people["teacher"].id)
    assert user.locale == "en" and user.version == version  # a preference, not an edit
    other_device = Client(app.test_client())
    other_device.login("teacher@example.org")
    assert "Good day" in other_device.get("/").text


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(client):
    response = client.post("/language/de", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Вход в систему" in client.get("/auth/login").text


def test_every_interface_string_is_translated_into_russian(tmp_path):
    """Extract the strings from the code as `make i18n-update` does; each must have a Russian text."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "_n:1,2", "-k", "_ln:1,2", "-k", "_lp:1c,2", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    with (ROOT / "lms/translations/ru/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = read_po(f)
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(str(key) for key in wanted - translated)
    assert not missing, f"untranslated (run `make i18n-update` and translate): {missing[:10]}"


def test_russian_date_and_number_conventions(app):
    assert format_date(date(2026, 3, 5)) == "05.03.2026"
    assert format_datetime(datetime(2026, 3, 5, 9, 30)) == "05.03.2026 12:30"  # stored UTC, shown Moscow
    assert format_number(1234567) == "1\xa0234\xa0567"
    assert format_number(12.5, 1) == "12,5"


def test_dates_of_timestamps_and_today_are_moscow_dates(app, monkeypatch):
    """At 22:30 UTC on 31 December it is already 1 January in Moscow: a stored timestamp's date and
    «today» follow Moscow, whatever zone the server's clock is in."""
    late_evening = datetime(2099, 12, 31, 22, 30)
    assert format_date(late_evening) == "01.01.2100"
    monkeypatch.setattr("lms.i18n.utcnow", lambda: late_evening)
    assert local_today() == date(2100, 1, 1)
    assert app.jinja_env.globals["today"]() == date(2100, 1, 1)


def test_plural_forms_follow_russian_grammar(login_as, people):
    client = login_as("admin")
    page = client.get("/admin/users/")
    assert "Найдено 4 человека" in page.text


def test_dashboard_figures_agree_with_their_numbers(login_as, people):
    page = login_as("admin").get("/").text
    assert '<span class="figure">1</span> педагог<' in page  # one teacher in the fixture
    assert '<span class="figure">1</span> образовательная организация<' in page
