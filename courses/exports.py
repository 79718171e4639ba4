"""Spreadsheets the distance-learning centre hands on: the list of a group for the order (приказ)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from courses.choices import ENROLMENT_STATUSES, GROUP_STATUSES
from lms.i18n import _, format_date
from lms.users.choices import CATEGORIES, POSITIONS, label


def _cell(value) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would make Excel run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def group_list_xlsx(group, enrolments) -> bytes:
    """The group's members (then its waiting list), with what the order and the ИОМ need about each."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Group list")[:31]
    sheet.append([_cell(f"{group.programme.title}: {group.name}")])
    sheet["A1"].font = Font(bold=True, size=13)
    order = (_("Order No. %(number)s of %(date)s", number=group.order_number, date=format_date(group.order_date))
             if group.order_number else label(GROUP_STATUSES, group.status))
    sheet.append([_cell(order)])
    sheet.append([])
    header = ["№", _("Full name"), _("School"), _("Position"), _("Qualification category"), _("E-mail"),
              _("Status")]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, enrolment in enumerate(enrolments, start=1):
        user, profile = enrolment.user, enrolment.user.profile
        sheet.append([number, _cell(user.full_name),
                      _cell(profile.school.short_name if profile and profile.school else ""),
                      _cell(label(POSITIONS, profile.position) if profile else ""),
                      _cell(label(CATEGORIES, profile.qualification_category) if profile else ""),
                      _cell(user.email), _cell(label(ENROLMENT_STATUSES, enrolment.status))])
    for index, width in enumerate((5, 38, 24, 26, 26, 30, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
