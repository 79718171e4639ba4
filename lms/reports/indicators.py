"""The effectiveness indicators of a methodological service (seed 003) and the evidence contract: each plugin
registers, for an indicator, SQL selects of the records it is counted from; the core unions and counts them
without importing any plugin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import Select

from lms.i18n import _l
from lms.registries import register, registered


@dataclass(frozen=True)
class Indicator:
    """One row of the seed's table.

    :param key: stable id (URLs, exports, evidence registrations).
    :param unit: ``teachers`` (distinct teachers in the evidence) or ``records`` (distinct refs: programmes).
    :param evidence: what it is counted from, as the seed says.
    """

    key: str
    title: object
    evidence: object
    unit: str = "teachers"


INDICATORS: tuple[Indicator, ...] = (
    Indicator("targeted_support", _l("Teachers who received targeted methodological support"),
              _l("Registration sheets of consultations, МО meetings attended, lessons visited, route steps with a "
                 "tutor")),
    Indicator("qualification_by_diagnostics",
              _l("Teachers who raised their qualification on the basis of deficit diagnostics"),
              _l("The diagnostic journal: a route step closing a diagnosed deficit completed")),
    Indicator("closure_confirmed", _l("Teachers whose repeated diagnostic confirmed a closed deficit"),
              _l("The diagnostic journal: a repeated diagnostic at or above the target level")),
    Indicator("programmes_delivered", _l("Professional-development programmes delivered"),
              _l("Groups run, with the orders approving them"), unit="records"),
    Indicator("mentoring", _l("Teachers taking part in mentoring"), _l("The register of mentors: mentors and "
                                                                        "mentees")),
    Indicator("network", _l("Teachers taking part in network forms of interaction"),
              _l("Records of network events: participants who attended, speakers")),
    Indicator("appeals", _l("Written appeals about the support"),
              _l("Appeals registered, answered in time; «no complaints» is the absence of upheld ones")),
    Indicator("contests", _l("Teachers taking part in contests of professional skill"),
              _l("Applications submitted to contests")),
)


@dataclass(frozen=True)
class Evidence:
    """A kind of record an indicator is counted from, contributed by a plugin.

    :param indicator: an :data:`INDICATORS` key.
    :param kind: short code of the record kind (``consultation``, ``mo_meeting``…), unique per indicator.
    :param label: lazy-translated name of the kind, for the drill-down.
    :param select: returns a ``Select`` of exactly four labelled columns ``teacher_id`` (int; the person the
        record counts for), ``occurred_on`` (date, local), ``kind`` (this kind's code) and ``ref`` (text naming
        the record, unique within the kind: ``booking:12``). It is called at request time with no arguments;
        the core filters it by period and by the shared filters, unions it with the others and counts.
    :param describe: optional; given refs of this kind, returns {ref: a line for the drill-down} (the session's
        topic, the meeting's date and association). Called once per page, for the refs shown.
    :param spans: the records last a while (a mentoring pair): the select has a fifth column ``until`` (a date),
        and a record counts in every period it overlaps, not only the one it began in.
    """

    indicator: str
    kind: str
    label: object
    select: Callable[[], Select]
    describe: Callable[[list[str]], dict[str, str]] | None = None
    spans: bool = False


def register_evidence(app: Flask, evidence: Evidence) -> None:
    """Called from a plugin's ``init_app``."""
    if evidence.indicator not in {i.key for i in INDICATORS}:
        raise ValueError(f"Unknown indicator {evidence.indicator!r}")
    register(app, "lms.evidence", (evidence.indicator, evidence.kind), evidence, "Evidence")


def evidence_for(indicator: str) -> list[Evidence]:
    return [e for (key, _kind), e in registered("lms.evidence").items() if key == indicator]
