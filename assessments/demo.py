"""Demo data of the assessments plugin: the framework, the demo item bank and an open diagnostic."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from assessments.models import Diagnostic, Framework
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms.extensions import db
from lms.i18n import local_today

DATA = Path(__file__).resolve().parent / "data"
FRAMEWORK_FILE = DATA / "framework_ict_v1.json"
BANK_FILE = DATA / "demo_bank.json"
DIAGNOSTIC_TITLE = "Диагностика профессиональных дефицитов: ИКТ-компетентность педагога"


def load(objects: dict) -> None:
    """Load the shipped framework and bank and open a diagnostic to every demo teacher (idempotent)."""
    data = frameworks.read(FRAMEWORK_FILE.read_bytes())
    framework = db.session.scalar(select(Framework).where(Framework.code == data["code"],
                                                          Framework.version == data["version"]))
    if framework is None:
        framework = frameworks.load(data)
    objects["framework"] = framework
    bank.import_bank(framework, bank.read(BANK_FILE.read_bytes()))
    diagnostic = db.session.scalar(select(Diagnostic).where(Diagnostic.title == DIAGNOSTIC_TITLE))
    if diagnostic is None:
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title=DIAGNOSTIC_TITLE, opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
            competencies=[c for d in framework.domains for c in d.competencies], max_per_competency=8,
            description="Адаптивный тест: вопросы подбираются по вашим ответам, тест заканчивается, как только "
                        "профиль определён. Ответы сохраняются сразу, тест можно прервать и продолжить.",
            user_ids=[t.id for t in objects["teachers"]]), objects.get("staff"))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
    objects["diagnostic"] = diagnostic
