"""Marking attendance: the tutor's sheet, self check-in with a short-lived code, online meeting reports."""

from courses.services.attendance.marks import (
    LATE_AFTER,
    changed_rows,
    check_in,
    check_markable,
    mark_all_present,
    mark_token,
    members,
    open_checkin,
    save_sheet,
    set_mark,
)
from courses.services.attendance.reports import ImportResult, import_meeting_report
from courses.services.attendance.summary import AttendanceRow, group_summary, teacher_summary

__all__ = ["LATE_AFTER", "AttendanceRow", "ImportResult", "changed_rows", "check_in", "check_markable",
           "group_summary",
           "teacher_summary", "import_meeting_report", "mark_all_present", "mark_token", "members", "open_checkin",
           "save_sheet", "set_mark"]
