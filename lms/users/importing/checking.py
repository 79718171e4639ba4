"""Checking every row of an import file against the vocabularies and the database; nothing is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO, Optional

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from lms.extensions import db
from lms.i18n import _
from lms.orgs.models import MethodAssociation, School
from lms.users.choices import CATEGORIES, POSITIONS
from lms.users.importing.reading import ImportFileError, read_table
from lms.users.importing.reading import fold_key as _key
from lms.users.models import User
from lms.users.rules import name_problem, phone_problem, subject_problem
from lms.users.services import ProfileData, normalise_email

HEADERS = {
    "фамилия": "last_name", "last name": "last_name", "last_name": "last_name",
    "имя": "first_name", "first name": "first_name", "first_name": "first_name",
    "отчество": "middle_name", "patronymic": "middle_name", "middle_name": "middle_name",
    "фио": "full_name", "ф.и.о.": "full_name", "full name": "full_name",
    "e-mail": "email", "email": "email", "эл. почта": "email", "электронная почта": "email", "почта": "email",
    "телефон": "phone", "phone": "phone",
    "оо": "school", "образовательная организация": "school", "школа": "school", "school": "school",
    "код оо": "school",
    "должность": "position", "position": "position",
    "предметы": "subjects", "предмет": "subjects", "subjects": "subjects",
    "категория": "category", "квалификационная категория": "category", "category": "category",
    "стаж": "experience", "педагогический стаж": "experience", "стаж, лет": "experience",
    "experience": "experience",
    "мо": "association", "методическое объединение": "association", "association": "association",
}

#: Short forms of categories seen in ИМЦ spreadsheets (the full Russian labels match as well).
CATEGORY_ALIASES = {
    "": "none", "нет": "none", "б/к": "none", "без категории": "none",
    "сзд": "conformity", "соответствие": "conformity",
    "первая": "first", "1": "first", "высшая": "highest", "в": "highest",
}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")



@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    row: int
    email: str
    last_name: str
    first_name: str
    middle_name: Optional[str]
    phone: Optional[str]
    profile: ProfileData
    existing: Optional[User] = None


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors



class _Lookups:
    """Everything a row is matched against, loaded once per file rather than once per row."""

    def __init__(self):
        #: Every way a row may name a school → the schools so named (more than one: ambiguous).
        self.schools: dict[str, list[School]] = {}
        for school in db.session.scalars(select(School).where(School.is_active.is_(True))):
            for text in {_key(t) for t in (school.code, school.short_name, school.name) if t}:
                self.schools.setdefault(text, []).append(school)
        self.associations: dict[tuple[int, str], MethodAssociation] = {
            (a.municipality_id, _key(a.name)): a
            for a in db.session.scalars(select(MethodAssociation).where(MethodAssociation.is_active.is_(True)))
        }
        self.positions = self._vocabulary(POSITIONS)
        self.categories = self._vocabulary(CATEGORIES) | CATEGORY_ALIASES

    @staticmethod
    def _vocabulary(vocabulary: dict) -> dict[str, str]:
        result = {code: code for code in vocabulary}
        for locale in ("ru", "en"):
            with force_locale(locale):
                result.update({_key(str(text)): code for code, text in vocabulary.items()})
        return result



def _map_header(cells: list[str]) -> dict[int, str]:
    mapping = {}
    for index, cell in enumerate(cells):
        name = HEADERS.get(_key(cell))
        if name:
            mapping[index] = name
    return mapping



def parse(stream: BinaryIO, filename: str, mode: str = "create", may_update_staff: bool = False) -> ImportReport:
    """Read and check every row; nothing is written.

    :param mode: ``create`` treats a known e-mail as an error; ``upsert`` updates that teacher.
    :param may_update_staff: whether an upsert may change accounts of tutors, staff and admins
        (only people who manage accounts may; staff importing teachers may not).
    :raises ImportFileError: the file cannot be read at all.
    """
    report = ImportReport()
    limit = current_app.config["IMPORT_MAX_ROWS"]
    rows = read_table(stream, filename, max_rows=limit)
    header_row = next(((n, cells) for n, cells in rows if any(cells)), None)
    if header_row is None:
        raise ImportFileError(_("The file is empty."))
    columns = _map_header(header_row[1])
    present = set(columns.values())
    needed = [("email", _("E-mail")), ("school", _("School"))]
    if "full_name" not in present:
        needed += [("last_name", _("Last name")), ("first_name", _("First name"))]
    missing = [title for name, title in needed if name not in present]
    if missing:
        raise ImportFileError(_("Columns are missing: %(columns)s. The first row must name the columns.",
                                columns=", ".join(missing)))
    lookups = _Lookups()
    seen: dict[str, int] = {}
    data_rows = 0
    for number, cells in rows:
        if not any(cells):
            continue
        data_rows += 1
        if data_rows > limit:
            raise ImportFileError(_("The file has more than %(n)d rows; split it into parts.", n=limit))
        values = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
        row = _check_row(number, values, lookups, report.errors)
        if row is None:
            continue
        if row.email in seen:
            report.errors.append(RowError(number, _("E-mail"), _("The e-mail %(email)s is repeated in row %(row)d.",
                                                               email=row.email, row=seen[row.email])))
            continue
        seen[row.email] = number
        report.rows.append(row)
    _match_existing(report, mode, may_update_staff)
    return report


def _check_row(number: int, values: dict[str, str], lookups: _Lookups, errors: list[RowError]) -> Optional[ImportRow]:
    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    last, first, middle = values.get("last_name", ""), values.get("first_name", ""), values.get("middle_name", "")
    if values.get("full_name") and not (last or first):
        parts = values["full_name"].split()
        last, first, middle = (parts + ["", "", ""])[0], (parts + ["", ""])[1], " ".join(parts[2:])
    for title, value in ((_("Last name"), last), (_("First name"), first)):
        if not value:
            error(title, _("Required."))
    for title, value in ((_("Last name"), last), (_("First name"), first), (_("Patronymic"), middle)):
        problem = name_problem(value)
        if problem:
            error(title, problem)
    email = normalise_email(values.get("email", ""))
    if not EMAIL_RE.match(email) or len(email) > 254:
        error(_("E-mail"), _("Not a valid e-mail address: «%(value)s».", value=values.get("email", "")))
    matches = lookups.schools.get(_key(values.get("school", "")), [])
    school = matches[0] if len(matches) == 1 else None
    if not matches:
        error(_("School"), _("Unknown school «%(value)s»: add it on the Schools page or correct the name.",
                             value=values.get("school", "")))
    elif len(matches) > 1:
        error(_("School"), _("Several schools are called «%(value)s»: write the school's code instead.",
                             value=values.get("school", "")))
    position = None
    if values.get("position"):
        position = lookups.positions.get(_key(values["position"]))
        if position is None:
            error(_("Position"), _("Unknown position «%(value)s».", value=values["position"]))
    category = lookups.categories.get(_key(values.get("category", "")))
    if category is None:
        error(_("Qualification category"), _("Unknown category «%(value)s».", value=values["category"]))
    experience = None
    if values.get("experience"):
        try:
            experience = int(float(values["experience"].replace(",", ".")))
        except (ValueError, OverflowError):  # "много", "inf"
            experience = -1
        if not 0 <= experience <= 70:
            error(_("Teaching experience"), _("Must be a whole number of years from 0 to 70."))
    association = None
    if values.get("association") and school is not None:
        association = lookups.associations.get((school.municipality_id, _key(values["association"])))
        if association is None:
            error(_("Methodological association"),
                  _("Unknown association «%(value)s» in the school's municipality.", value=values["association"]))
    phone = values.get("phone", "")
    if phone_problem(phone):
        error(_("Phone"), phone_problem(phone))
    subjects = [s.strip() for s in re.split(r"[,;]", values.get("subjects", "")) if s.strip()]
    for subject in subjects:
        if subject_problem(subject):
            error(_("Subjects"), subject_problem(subject))
    if len(errors) > before:
        return None
    profile = ProfileData(school_id=school.id, position=position, qualification_category=category,
                          experience_years=experience, association_id=association.id if association else None,
                          subjects=subjects)
    return ImportRow(number, email, last, first, middle or None, phone or None, profile)


def _match_existing(report: ImportReport, mode: str, may_update_staff: bool) -> None:
    emails = [row.email for row in report.rows]
    existing: dict[str, User] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start:start + 500]
        existing.update({u.email: u for u in db.session.scalars(select(User).where(User.email.in_(chunk)))})
    kept = []
    for row in report.rows:
        user = existing.get(row.email)
        if user is not None and mode != "upsert":
            report.errors.append(RowError(row.row, _("E-mail"),
                                          _("A user with the e-mail %(email)s already exists.", email=row.email)))
            continue
        if user is not None and not may_update_staff and user.role_codes - {"teacher"}:
            report.errors.append(RowError(row.row, _("E-mail"), _(
                "%(email)s belongs to an account with other roles than teacher; only the head of service "
                "can change it.", email=row.email)))
            continue
        row.existing = user
        kept.append(row)
    report.rows = kept


