"""The ИОМ form as a list of translated, formatted blocks, so the DOCX and the PDF cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from assessments.documents.data import RouteDocument
from lms.i18n import _, _lp, _n

DASH = "—"
# Room to sign and date by hand: the form is printed, signed and scanned back.
SIGN_BLANK = "____________"


def date_blank() -> str:
    """A date to write in by hand when signing: «____» ________ 20__ г. (the «г.» is the Russian text's)."""
    return _("«____» ______________ 20____")
# Tokens the renderers replace with their own page-number mechanics (Word fields, fpdf2 aliases).
PAGE, PAGES = "{page}", "{pages}"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """``header`` None is a label | value form (labels bold); ``footer`` cells are (text, colspan)."""

    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative; the renderers scale them to the text width
    footer: tuple[tuple[str, int], ...] | None = None
    small: bool = False  # ten columns only fit in landscape at a smaller size
    centred: tuple[int, ...] = ()  # short figures read better centred
    borders: bool = True


@dataclass(frozen=True)
class Content:
    title: str
    subtitle: str
    running_head: str
    page_label: str  # with PAGE and PAGES left in for the renderer
    blocks: tuple[Heading | Para | Bullets | Table, ...]


def fmt_date(value: date | None) -> str:
    return format_date(value, "dd.MM.yyyy", locale="ru") if value else DASH


def fmt_number(value: float | None, pattern: str = "#,##0.##") -> str:
    return format_decimal(value, pattern, locale="ru") if value is not None else DASH


def fmt_share(value: float | None) -> str:
    return fmt_number(value * 100, "#,##0") + "\u00a0%" if value is not None else DASH


def short_name(full_name: str | None) -> str:
    """«Петрова Анна Сергеевна» → «Петрова А. С.», as signatures are written."""
    if not full_name:
        return ""
    surname, *given = full_name.split()
    return " ".join([surname] + [part[0] + "." for part in given[:2]])


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def dates_span(start: date | None, end: date | None) -> str:
    if start and end:
        return fmt_date(start) if start == end else f"{fmt_date(start)} – {fmt_date(end)}"
    if start:
        return _("from %(date)s", date=fmt_date(start))
    if end:
        return _("by %(date)s", date=fmt_date(end))
    # A step without dates is self-paced: the teacher fits it anywhere in the route's period.
    return _("during the period")


def route_content(doc: RouteDocument) -> Content:
    """The whole form, section by section, as the regional ИОМ templates lay it out (DOMAIN.md §C)."""
    blocks = [*_general(doc), *_results(doc), *_goal(doc), *_plan(doc), *_totals(doc), *_outcome(doc)]
    return Content(
        title=_("Individual educational route of a teacher"),
        subtitle=_("for the period from %(start)s to %(end)s", start=fmt_date(doc.period_start),
                   end=fmt_date(doc.period_end)),
        running_head=_("Route of %(teacher)s · generated on %(date)s", teacher=short_name(doc.teacher),
                       date=fmt_date(doc.generated_on)),
        page_label=_("Page %(page)s of %(pages)s", page=PAGE, pages=PAGES),
        blocks=tuple(blocks),
    )


def _general(doc: RouteDocument) -> list:
    experience = (_n("%(num)s year", "%(num)s years", doc.experience_years)
                  if doc.experience_years is not None else DASH)
    approved = DASH
    if doc.approved_by:
        approved = ", ".join(filter(None, [doc.approved_by, doc.approved_on and fmt_date(doc.approved_on)]))
    rows = (
        (_("Full name"), doc.teacher),
        (_("Position"), doc.position),
        (_("Subject / area"), doc.subjects or DASH),
        (_("School"), doc.school),
        (_("Municipality"), doc.municipality or DASH),
        (_("Teaching experience"), experience),
        (_("Qualification category"), doc.category or DASH),
        (_("Tutor"), doc.tutor or DASH),
        (_("Mentor"), doc.mentor or DASH),
        (_("Route period"), f"{fmt_date(doc.period_start)} – {fmt_date(doc.period_end)}"),
        (_("Route status"), doc.status),
        (_("Diagnostic: date and instrument"), f"{fmt_date(doc.diagnostic_date)}, {doc.diagnostic_instrument}"),
        (_("Approved"), approved),
    )
    return [Heading("1. " + _("General information")), Table(None, rows, (1, 2.2))]


def _results(doc: RouteDocument) -> list:
    header = (_("Competency"), _("Level"), _("Target level"), _("Deficit (probability)"), _("Self-assessment"),
              _("Source of evidence"))
    rows = tuple(
        (f"{row.code}. {row.competency}", f"{row.level} — {row.level_name}" if row.level_name else str(row.level),
         str(row.target), f"{yes_no(row.deficit)} ({fmt_number(row.p_deficit, '0.00')})",
         str(row.self_level) if row.self_level is not None else DASH, row.evidence or DASH)
        for row in doc.results)
    return [Heading("2. " + _("Diagnostic results")), Table(header, rows, (3.2, 1.5, 1, 1.3, 1.1, 2.4), centred=(2, 4)),
            Heading(_("Strengths and resources"), 2),
            Bullets(doc.strengths) if doc.strengths else Para(DASH)]


def _goal(doc: RouteDocument) -> list:
    rows = tuple((str(number), task.deficit, task.task) for number, task in enumerate(doc.tasks, start=1))
    return [Heading("3. " + _("Goal and tasks")), Para(_("Goal: %(goal)s", goal=doc.goal or DASH)),
            Table(("№", _("Deficit / competency"), str(_lp("route", "Task"))), rows, (0.4, 3, 5), centred=(0,))]


PLAN_WIDTHS = (0.6, 2.4, 2.8, 3.2, 1.8, 2.4, 1.2, 1.9, 2.4, 2.3)


def _plan(doc: RouteDocument) -> list:
    header = ("№", _("Deficit / competency"), str(_lp("route", "Task")), _("Content (topic / module)"), _("Form"),
              _("Organiser / resource"), _("Volume, h"), _("Dates"), _("Form of presenting the result"),
              _("Completion mark"))
    rows = tuple(
        (str(row.number), row.deficit, row.task, row.content, row.form, row.organiser, fmt_number(row.hours),
         dates_span(row.start, row.end), row.result_form, row.mark)
        for row in doc.plan)
    footer = ((_("Total"), 6), (fmt_number(doc.totals.hours), 1), ("", 2),
              (_("done: %(share)s", share=fmt_share(doc.totals.done_share)), 1))
    return [Heading("4. " + str(_lp("route", "Plan"))),
            Table(header, rows, PLAN_WIDTHS, footer=footer, small=True, centred=(0, 6))]


def _totals(doc: RouteDocument) -> list:
    totals = doc.totals
    summary = (
        (_("Total volume, h"), fmt_number(totals.hours)),
        (_("Duration, weeks"), str(totals.weeks)),
        (_("Planned pace"), _("%(hours)s h a week", hours=fmt_number(totals.pace, "#,##0.0"))),
        (_("Actual pace"), _("%(hours)s h a week", hours=fmt_number(totals.actual_pace, "#,##0.0"))
         if totals.actual_pace is not None else DASH),
        (_("Steps done"), fmt_share(totals.done_share)),
        (_("Steps done on time"), fmt_share(totals.on_time_share)),
    )
    by_form = tuple((form, fmt_number(hours), fmt_share(hours / totals.hours) if totals.hours else DASH)
                    for form, hours in totals.hours_by_form)
    blocks = [Heading(_("Route totals"), 2), Table(None, summary, (1, 2.2))]
    if by_form:
        blocks += [Heading(_("Hours by form"), 2),
                   Table((_("Form"), _("Volume, h"), _("Share")), by_form, (3, 1, 1), centred=(1, 2))]
    if totals.closure:
        blocks += [Heading(_("Closing the deficits"), 2),
                   Table((_("Deficit / competency"), _("Status")), totals.closure, (3, 3))]
    return blocks


def _outcome(doc: RouteDocument) -> list:
    blocks: list = [Heading("5. " + _("Outcome")), Heading(_("Repeated diagnostic"), 2)]
    if doc.repeat is None:
        blocks.append(Para(_("The repeated diagnostic has not been taken yet."), italic=True))
    else:
        header = (_("Competency"), _("Level before"), _("Level after"), _("Change"),
                  _("Beyond the measurement error"), _("Deficit closed"))
        rows = tuple((f"{row.code}. {row.competency}", str(row.before), str(row.after),
                      fmt_number(row.delta, "+#,##0.0;-#,##0.0"), yes_no(row.beyond_error), yes_no(row.closed))
                     for row in doc.repeat)
        blocks += [Para(_("Date: %(date)s", date=fmt_date(doc.repeat_date))),
                   Table(header, rows, (3.6, 1, 1, 1, 1.6, 1.2), centred=(1, 2, 3, 4, 5))]
    blocks.append(Heading(_("Tutor's conclusion"), 2))
    # An empty conclusion leaves lines for the tutor to write it in by hand.
    blocks.append(Para(doc.conclusion) if doc.conclusion.strip() else Para("\n".join(["_" * 110] * 3)))
    # Each signs with the date they sign on, by hand: the tutor's approval in the system is not the head's signature.
    signatures = (
        (_("Teacher"), f"{SIGN_BLANK} / {short_name(doc.teacher)} /", date_blank()),
        (_("Tutor"), f"{SIGN_BLANK} / {short_name(doc.tutor) or SIGN_BLANK} /", date_blank()),
        (_("Head of the methodological service"), f"{SIGN_BLANK} / {short_name(doc.head) or SIGN_BLANK} /",
         date_blank()),
    )
    blocks += [Heading(_("Signatures"), 2), Table(None, signatures, (1.6, 2, 1.6), borders=False)]
    return blocks
