"""The load benchmark's client reads the real pages: the «Start» form on the diagnostics page, the item, its options
and the CSRF token on the attempt page. When a template changes their markup, this fails here, not as a load run
of nothing but reloads (an option's id between its type and name once left every teacher of a run unable to
answer)."""

from __future__ import annotations

from datetime import timedelta

from assessments import demo
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from bench.load_http import CSRF_RE, ITEM_RE, OPTION_RE, START_RE
from lms.extensions import db
from lms.i18n import local_today


def test_the_load_client_finds_the_start_form_the_item_and_its_options(login_as, people):
    framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
    today = local_today()
    diagnostic = save_diagnostic(framework, DiagnosticData(
        title="Диагностика для нагрузки", opens_on=today, closes_on=today + timedelta(days=7),
        competencies=[c for d in framework.domains for c in d.competencies][:2], user_ids=[people["teacher"].id]))
    db.session.add(diagnostic)
    db.session.flush()
    set_status(diagnostic, "open")
    db.session.commit()
    teacher = login_as("teacher")
    home = teacher.get("/assessments/").text
    start = START_RE.search(home)
    assert start and start.group(2) == str(diagnostic.id)
    attempt = teacher.post(start.group(1), follow_redirects=True)
    assert ITEM_RE.search(attempt.text) and CSRF_RE.search(attempt.text)
    options = OPTION_RE.findall(attempt.text)
    assert len(options) >= 2 and [int(value) for _kind, value in options] == list(range(len(options)))
