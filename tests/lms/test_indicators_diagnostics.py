"""The two diagnostic indicators and the growth report against routes built by the real services: a step closing a
diagnosed deficit done (qualification raised), a repeated diagnostic confirming the closure, the drill-down rows."""

from __future__ import annotations

from datetime import timedelta

from assessments.services.routes import builder, workflow
from assessments.services.routes.builder import RouteSettings
from lms import signals
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from lms.reports import counting, filters
from lms.reports.indicators import INDICATORS
from tests.assessments.routes_setup import activity, finished_attempt, framework
from tests.factories import make_user


def _route(teacher, tutor):
    route = builder.build(teacher, teacher, RouteSettings(local_today(), local_today() + timedelta(weeks=20), 6.0),
                          utcnow(), tutor_id=tutor.id)
    workflow.submit(route, teacher, version=None, note="", now=utcnow())
    workflow.approve(route, tutor, version=None, now=utcnow())
    return route


def _indicator(key):
    return next(i for i in INDICATORS if i.key == key)


def test_a_done_deficit_step_and_a_confirmed_closure_count_their_teachers(app, people):
    """t1 and t2 both lack D1.1 and D3.1; t1's step for D1.1 is done, t2's are not. t1's repeated diagnostic
    measures D1.1 at the target (closed) and D3.1 below it; t2's repeat closes nothing. So: one teacher raised
    their qualification (one step), one has a closure confirmed (one goal), and t2 is in neither."""
    fw = framework()
    tutor, t1 = people["tutor"], people["teacher"]
    t2 = make_user("teacher", email="t2-diag@example.org", school=people["school"], last_name="Петрова")
    for teacher in (t1, t2):
        finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4)})
    activity("Курс по электронному журналу", 6, {"D1.1": 4})
    activity("Курс по облачным сервисам", 6, {"D3.1": 4})
    routes = {t.id: _route(t, tutor) for t in (t1, t2)}
    step = next(s for s in routes[t1.id].steps if s.title == "Курс по электронному журналу")
    workflow.mark_done(step, tutor, version=None, evidence="Удостоверение № 5", now=utcnow())
    db.session.commit()
    repeat = finished_attempt(fw, t1, {"D1.1": (4, 4), "D3.1": (3, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(repeat, attempt=repeat, deficits=[])
    other = finished_attempt(fw, t2, {"D1.1": (3, 4), "D3.1": (2, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(other, attempt=other, deficits=[])
    db.session.commit()

    today = local_today()
    chosen = filters.parse({"period": "custom", "from": (today - timedelta(days=40)).strftime("%d.%m.%Y"),
                            "to": today.strftime("%d.%m.%Y")}, today=today)
    counts = {c.indicator.key: (c.total, {e.kind: n for e, n in c.kinds}) for c in
              counting.table(chosen, people["admin"])}
    assert counts["qualification_by_diagnostics"] == (1, {"deficit_step": 1})
    assert counts["closure_confirmed"] == (1, {"goal_closed": 1})

    rows, total = counting.drill_down(_indicator("qualification_by_diagnostics"), chosen, people["admin"])
    assert total == 1
    assert [(r.teacher.id, r.occurred_on, r.ref, r.description) for r in rows] == [
        (t1.id, today, f"step:{step.id}", "Курс по электронному журналу")]
    rows, total = counting.drill_down(_indicator("closure_confirmed"), chosen, people["admin"])
    goal = next(g for g in routes[t1.id].goals if g.competency.code == "D1.1")
    assert total == 1 and [(r.teacher.id, r.ref) for r in rows] == [(t1.id, f"goal:{goal.id}")]
    assert rows[0].description.startswith("D1.1 ") and rows[0].occurred_on == today

    # a period that ends before the step was done and the repeat taken counts neither
    earlier = filters.parse({"period": "custom", "from": (today - timedelta(days=40)).strftime("%d.%m.%Y"),
                             "to": (today - timedelta(days=1)).strftime("%d.%m.%Y")}, today=today)
    assert {c.indicator.key: c.total for c in counting.table(earlier, people["admin"])
            if c.indicator.key in ("qualification_by_diagnostics", "closure_confirmed")} == {
        "qualification_by_diagnostics": 0, "closure_confirmed": 0}
    # growth by school: both re-diagnosed; t1's D1.1 closed; t1's D3.1 and both of t2's still open
    from assessments import analytics

    growth = analytics.growth(chosen, people["admin"], 1)
    assert growth.rows == [(people["school"].short_name, 2, 1, 3)]
    assert analytics.growth(earlier, people["admin"], 1).rows == []
