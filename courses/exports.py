"""Spreadsheets the distance-learning centre hands on: the list of a group for the order (приказ)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from courses.choices import ENROLMENT_STATUSES, GROUP_STATUSES
from lms.i18n import _, format_date
from lms.spreadsheets import cell_text
from lms.users.choices import CATEGORIES, POSITIONS, label


def group_list_xlsx(group, enrolments) -> bytes:
    """The group's members (then its waiting list), with what the order and the ИОМ need about each."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Group list")[:31]
    sheet.append([cell_text(f"{group.programme.title}: {group.name}")])
    sheet["A1"].font = Font(bold=True, size=13)
    order = (_("Order No. %(number)s of %(date)s", number=group.order_number, date=format_date(group.order_date))
             if group.order_number else label(GROUP_STATUSES, group.status))
    sheet.append([cell_text(order)])
    sheet.append([])
    header = ["№", _("Full name"), _("School"), _("Position"), _("Qualification category"), _("E-mail"),
              _("Status")]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, enrolment in enumerate(enrolments, start=1):
        user, profile = enrolment.user, enrolment.user.profile
        sheet.append([number, cell_text(user.full_name),
                      cell_text(profile.school.short_name if profile and profile.school else ""),
                      cell_text(label(POSITIONS, profile.position) if profile else ""),
                      cell_text(label(CATEGORIES, profile.qualification_category) if profile else ""),
                      cell_text(user.email), cell_text(label(ENROLMENT_STATUSES, enrolment.status))])
    for index, width in enumerate((5, 38, 24, 26, 26, 30, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
