"""Benchmark: every indicator page (table, drill-downs, XLSX) and analytics report at 1/20 and full scale, per database.

Run: ``python bench/indicators.py [--quick]``. The last line printed is one JSON object. The data set, with the
community plugin's registries, is bench/indicators_data.py's (full scale: 100 schools, 10,000 teachers,
1,000,000 answers, 400,000 attendance marks). The 1/N database of the same run is the baseline: page times should
stay near it and the SQL statement counts equal.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # common, courses_pages (also when imported as bench.*)

import flask_migrate  # noqa: E402
from common import fresh_database  # noqa: E402
from courses_pages import measure, signed_in  # noqa: E402
from indicators_data import TODAY, at, generate  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402


def run_size(url: str, divisor: int) -> dict:
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        plan = generate(divisor, now=at(TODAY, 9))
        generated = time.perf_counter() - started
    client = signed_in(app, plan["head"])
    measured = {page: measure(app, client, url) for page, url in plan["urls"].items()}
    with app.app_context():
        db.engine.dispose()
    return {"divisor": divisor, "rows": plan["rows"], "generate_s": round(generated, 1), "pages": measured}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 vs 1/20 scale, SQLite only")
    parser.add_argument("--divisors", help="small,large divisors of full scale (default 20,1; --quick 100,20)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    divisors = (100, 20) if args.quick else (20, 1)
    if args.divisors:
        divisors = tuple(int(d) for d in args.divisors.split(","))
    kinds = ("sqlite",) if args.quick or args.sqlite_only else ("sqlite", "postgresql")
    summary: dict = {"scale": [f"1/{d}" for d in divisors], "rows": None, "community_registries": True}
    p95s, ratios, steady = [], [], True
    with tempfile.TemporaryDirectory() as workdir, _today(TODAY):
        for kind in kinds:
            runs = []
            for divisor in divisors:
                url = fresh_database(kind, workdir)
                if url is None:
                    break
                runs.append(run_size(url, divisor))
                result = runs[-1]
                print(f"{kind:10} 1/{divisor:<3} generated {sum(result['rows'].values()):,} rows in "
                      f"{result['generate_s']} s: " + ", ".join(
                          f"{page} {m['median_ms']}/{m['p95_ms']} ms ({m['statements']} SQL)"
                          for page, m in result["pages"].items()), file=sys.stderr)
            if len(runs) < 2:
                continue
            small, large = runs
            summary["rows"], summary["rows_small"] = large["rows"], small["rows"]
            summary[f"{kind}_generate_s"] = large["generate_s"]
            summary[kind] = {page: {**m, "ratio_vs_small": round(m["median_ms"] / small["pages"][page]["median_ms"], 2),
                                    "small_median_ms": small["pages"][page]["median_ms"],
                                    "same_statements_as_small": m["statements"] == small["pages"][page]["statements"]}
                             for page, m in large["pages"].items()}
            for page, m in summary[kind].items():
                p95s.append(m["p95_ms"])
                ratios.append(m["ratio_vs_small"])
                steady = steady and m["statements_steady"] and m["same_statements_as_small"] \
                    and small["pages"][page]["statements_steady"]
            summary[f"{kind}_p95_ms_max"] = max(m["p95_ms"] for m in summary[kind].values())
            summary[f"{kind}_slowest"] = max(summary[kind], key=lambda p: summary[kind][p]["p95_ms"])
    summary.update({"p95_ms_max": max(p95s) if p95s else None, "statements_steady": steady if p95s else None,
                    "ratio_vs_small_max": max(ratios) if ratios else None})
    print(json.dumps(summary, ensure_ascii=False))
    return summary


class _today:
    """The pages' «today» (the default period) pinned to a day inside the generated academic year."""

    def __init__(self, day: date):
        self.day = day

    def __enter__(self):
        import lms.reports.filters as filters

        self.module, self.saved = filters, filters.local_today
        filters.local_today = lambda: self.day
        return self

    def __exit__(self, *_exc):
        self.module.local_today = self.saved


if __name__ == "__main__":
    main()
