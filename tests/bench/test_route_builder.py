"""bench.route_builder on a tiny catalogue: both methods run, the summary has its keys, ours never costs more."""

import json

import pytest

from bench.route_builder import main

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only


def test_the_benchmark_runs_both_methods_and_ours_never_costs_more(capsys):
    summary = main(["--sizes", "40", "--teachers", "12", "--seed", "5"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == summary
    for key in ("median_s_40", "p95_s_40", "greedy_median_s_40", "greedy_p95_s_40", "hours_ratio_vs_greedy_max",
                "hours_ratio_vs_greedy_mean", "infeasible_share", "infeasible_explained", "partial_explained"):
        assert key in summary, key
    assert summary["hours_ratio_vs_greedy_max"] is not None and summary["hours_ratio_vs_greedy_max"] <= 1.0
    assert summary["milp_covers_fewer_40"] == 0
    assert summary["infeasible_explained"] == 1.0 and summary["partial_explained"] == 1.0
