"""Imports of lists a service already keeps (associations' members, mentoring pairs, contest results) from CSV or
XLSX: every row is checked and saved through the registries' own services; one bad row and nothing is kept (the
caller rolls back), with a report row by row, as the teacher import does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from community.choices import CONTEST_RESULTS, MENTORING_FORMS
from community.models import Contest, ContestApplication, Membership, MentoringPair
from community.services import associations, events, mentoring
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.orgs.models import MethodAssociation
from lms.users.importing import ImportFileError, read_table
from lms.users.importing.reading import fold_key
from lms.users.models import User

#: kind → {column key: header names people write (folded)}; the first name is the template's.
COLUMNS = {
    "members": {"association": ("объединение", "мо", "association"), "email": ("e-mail", "email", "эл. почта")},
    "pairs": {"mentor": ("наставник e-mail", "наставник", "mentor"), "mentee": ("наставляемый e-mail",
                                                                                "наставляемый", "mentee"),
              "form": ("форма", "form"), "starts_on": ("с", "начало", "from"), "ends_on": ("по", "окончание", "until"),
              "goals": ("цели", "goals")},
    "results": {"contest": ("конкурс", "contest"), "email": ("e-mail", "email", "эл. почта"),
                "result": ("результат", "result")},
}
REQUIRED = {"members": ("association", "email"), "pairs": ("mentor", "mentee", "starts_on", "ends_on"),
            "results": ("contest", "email", "result")}
#: What people write for a contest result or a mentoring form, folded, mapped to the codes.
RESULT_WORDS = {"участник": "participant", "призер": "prize_winner", "призёр": "prize_winner",
                "победитель": "winner", **{code: code for code in CONTEST_RESULTS}}
FORM_WORDS = {"педагог – педагог": "teacher_teacher", "педагог-педагог": "teacher_teacher",
              "опытный – молодой": "experienced_young", "опытный педагог – молодой специалист": "experienced_young",
              "равный – равному": "peer", "": "experienced_young", **{code: code for code in MENTORING_FORMS}}


@dataclass
class RowReport:
    number: int
    text: str
    ok: bool
    changed: bool = True  # False: the registry already held the row as it is in the file


@dataclass
class ImportResult:
    rows: list[RowReport] = field(default_factory=list)
    file_error: str | None = None

    @property
    def errors(self) -> int:
        return (1 if self.file_error else 0) + sum(1 for r in self.rows if not r.ok)

    @property
    def saved(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.changed)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.ok and not r.changed)


def import_file(kind: str, stream: BinaryIO, filename: str, *, today: date) -> ImportResult:
    """Check and save every row of the file; the caller commits when ``errors`` is 0 and rolls back otherwise."""
    result = ImportResult()
    try:
        rows = list(read_table(stream, filename, max_rows=current_app.config["IMPORT_MAX_ROWS"]))
    except ImportFileError as exc:
        result.file_error = str(exc)
        return result
    if not rows:
        result.file_error = _("The file is empty.")
        return result
    names = {alias: key for key, aliases in COLUMNS[kind].items() for alias in aliases}
    header = {index: names.get(fold_key(cell)) for index, cell in enumerate(rows[0][1])}
    missing = [key for key in REQUIRED[kind] if key not in header.values()]
    if missing:
        result.file_error = _("The header lacks the columns: %(names)s.",
                              names=", ".join(COLUMNS[kind][key][0] for key in missing))
        return result
    handler = {"members": _member, "pairs": _pair, "results": _result}[kind]
    for number, cells in rows[1:]:
        values = {key: cells[i].strip() for i, key in header.items() if key and i < len(cells)}
        if not any(values.values()):
            continue
        # Each registry's service checks everything before it writes, so a refused row leaves nothing behind and
        # the rows after it are still checked against those before. (No SAVEPOINT: SQLite's driver would commit
        # on its RELEASE.)
        try:
            text, changed = handler(values, today)
            result.rows.append(RowReport(number, text, True, changed))
        except ServiceError as exc:
            result.rows.append(RowReport(number, exc.message, False))
    return result


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise ServiceError(_("No one has the e-mail %(email)s.", email=email))
    return user


def _date(value: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ServiceError(_("«%(value)s» is not a date (ДД.ММ.ГГГГ).", value=value))


def _member(values: dict, today: date) -> str:
    name = fold_key(values.get("association", ""))
    found = [a for a in db.session.scalars(select(MethodAssociation)) if fold_key(a.name) == name]
    if len(found) != 1:
        raise ServiceError(_("Unknown association «%(value)s».", value=values.get("association", "")))
    teacher = _user(values.get("email", ""))
    if not teacher.has_role("teacher"):
        raise ServiceError(_("%(name)s is not a teacher.", name=teacher.full_name))
    if db.session.scalar(select(Membership.id).where(Membership.association_id == found[0].id,
                                                     Membership.user_id == teacher.id)) is not None:
        return _("%(name)s is already a member of «%(association)s».", name=teacher.full_name,
                 association=found[0].name), False
    associations.add_member(found[0], teacher, today=today)
    return _("%(name)s: member of «%(association)s».", name=teacher.full_name, association=found[0].name), True


def _pair(values: dict, today: date) -> str:
    form = FORM_WORDS.get(fold_key(values.get("form", "")))
    if form is None:
        raise ServiceError(_("Unknown form of mentoring."))
    mentor, mentee = _user(values.get("mentor", "")), _user(values.get("mentee", ""))
    starts_on, ends_on = _date(values.get("starts_on", "")), _date(values.get("ends_on", ""))
    if db.session.scalar(select(MentoringPair.id).where(
            MentoringPair.mentor_id == mentor.id, MentoringPair.mentee_id == mentee.id,
            MentoringPair.starts_on == starts_on, MentoringPair.ends_on == ends_on)) is not None:
        return _("%(mentor)s already mentors %(mentee)s for these dates.", mentor=mentor.full_name,
                 mentee=mentee.full_name), False
    mentoring.save_pair(None, version=None, data=mentoring.PairData(
        mentor_id=mentor.id, mentee_id=mentee.id, form=form, starts_on=starts_on, ends_on=ends_on,
        goals=values.get("goals", "")), today=today)
    return _("%(mentor)s mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name), True


def _result(values: dict, today: date) -> str:
    title = fold_key(values.get("contest", ""))
    found = [c for c in db.session.scalars(select(Contest)) if fold_key(c.title) == title]
    if len(found) != 1:
        raise ServiceError(_("Unknown contest «%(value)s».", value=values.get("contest", "")))
    result = RESULT_WORDS.get(fold_key(values.get("result", "")))
    if result is None:
        raise ServiceError(_("Unknown result «%(value)s»: участник, призёр or победитель.",
                             value=values.get("result", "")))
    teacher, contest = _user(values.get("email", "")), found[0]
    application = db.session.scalar(select(ContestApplication).where(ContestApplication.contest_id == contest.id,
                                                                     ContestApplication.teacher_id == teacher.id))
    text = _("%(name)s: %(result)s.", name=teacher.full_name, result=CONTEST_RESULTS[result])
    if application is None:  # results of a contest run elsewhere: the application is recorded with them
        application = events.apply(contest, teacher, today=contest.applications_until, theme="")
    elif application.status == "accepted" and application.result == result:
        return _("%(text)s Already recorded.", text=text), False
    events.decide(application, version=application.version, status="accepted", result=result)
    return text, True
