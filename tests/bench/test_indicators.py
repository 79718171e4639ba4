"""bench.indicators at a tiny size on SQLite: every page answers, the summary has its keys, statement counts hold."""

import json

import pytest

from bench.indicators import main

pytestmark = pytest.mark.nodb  # builds its own SQLite files: it runs in the SQLite pass only


def test_the_benchmark_measures_every_page_with_steady_statement_counts(capsys):
    summary = main(["--divisors", "500,250", "--sqlite-only"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == summary
    for key in ("p95_ms_max", "statements_steady", "ratio_vs_small_max", "sqlite_p95_ms_max", "rows"):
        assert summary[key] is not None, key
    assert summary["statements_steady"] is True
    assert summary["rows"]["answers"] == 2 * summary["rows_small"]["answers"] > 0
    pages = summary["sqlite"]
    assert {"table", "xlsx", "drill:targeted_support", "report:assessments.deficits",
            "report:courses.attendance_funnel@school"} <= set(pages)
    assert all(m["same_statements_as_small"] for m in pages.values())
