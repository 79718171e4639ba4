"""Benchmark: importing the ИМЦ's teacher database and paging the directory, small vs large, per database.

Run: ``python bench/import_teachers.py [--quick]``. The last line printed is one JSON object.
The small size is the baseline of the same run: per-row import cost and directory page time
must stay flat as the number of teachers grows.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from common import fresh_database  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.orgs.models import Municipality, School  # noqa: E402
from lms.users import importing  # noqa: E402
from lms.users.services import create_user  # noqa: E402

LAST = ["Иванова", "Смирнов", "Кузнецова", "Попов", "Васильева", "Петров", "Соколова", "Михайлов", "Новикова"]
FIRST = ["Анна", "Дмитрий", "Елена", "Сергей", "Ольга", "Алексей", "Татьяна", "Игорь", "Наталья"]
MIDDLE = ["Викторовна", "Олегович", "Сергеевна", "Игоревич", "Николаевна", "Петрович", "Ивановна"]
SUBJECTS = ["Математика", "Информатика", "Русский язык", "Литература", "Физика", "Химия", "Биология", "История"]
CATEGORIES = ["высшая", "первая", "СЗД", "без категории"]


def csv_bytes(rows: int, schools: int) -> bytes:
    lines = ["Фамилия;Имя;Отчество;E-mail;ОО;Должность;Предметы;Категория;Стаж"]
    for i in range(rows):
        lines.append(";".join([
            LAST[i % len(LAST)], FIRST[i % len(FIRST)], MIDDLE[i % len(MIDDLE)], f"teacher{i}@bench.example",
            f"B-{i % schools:03d}", "учитель", f"{SUBJECTS[i % 8]}, {SUBJECTS[(i + 3) % 8]}",
            CATEGORIES[i % 4], str(i % 40),
        ]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run_size(url: str, rows: int, schools: int = 40) -> dict:
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        municipality = Municipality(name="Бенчмарк")
        db.session.add(municipality)
        db.session.flush()
        for s in range(schools):
            db.session.add(School(municipality_id=municipality.id, name=f"Школа {s}", short_name=f"СОШ {s}",
                                  code=f"B-{s:03d}"))
        create_user(email="admin@bench.example", last_name="Админ", first_name="Админ", roles={"admin"},
                    password="bench-password")
        db.session.commit()
        body = csv_bytes(rows, schools)
    with app.test_request_context():
        started = time.perf_counter()
        report = importing.parse(io.BytesIO(body), "bench.csv")
        parsed = time.perf_counter()
        assert report.ok, report.errors[:3]
        importing.apply(report)
        db.session.commit()
        done = time.perf_counter()
    client = app.test_client()
    page = client.get("/auth/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    client.post("/auth/login", data={"email": "admin@bench.example", "password": "bench-password",
                                     "csrf_token": token})
    timings = []
    for _ in range(15):
        t0 = time.perf_counter()
        response = client.get("/admin/users/?page=2")
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()
    return {
        "rows": rows,
        "parse_s": round(parsed - started, 3),
        "import_s": round(done - parsed, 3),
        "per_row_ms": round((done - started) * 1000 / rows, 3),
        "directory_page_ms_median": round(statistics.median(timings) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, SQLite only (under a minute)")
    args = parser.parse_args()
    sizes = (200, 1000) if args.quick else (500, 5000)
    kinds = ("sqlite",) if args.quick else ("sqlite", "postgresql")
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for kind in kinds:
            for rows in sizes:
                url = fresh_database(kind, workdir)
                if url is None:
                    break
                result = run_size(url, rows)
                results.setdefault(kind, []).append(result)
                print(f"{kind:10} {rows:5} rows: parse {result['parse_s']:.2f} s, import {result['import_s']:.2f} s, "
                      f"{result['per_row_ms']:.2f} ms/row, directory page {result['directory_page_ms_median']} ms",
                      file=sys.stderr)
    summary = {"sizes": list(sizes)}
    for kind, runs in results.items():
        small, large = runs[0], runs[-1]
        summary[f"{kind}_per_row_ms_{large['rows']}"] = large["per_row_ms"]
        summary[f"{kind}_per_row_ratio_large_vs_small"] = round(large["per_row_ms"] / small["per_row_ms"], 2)
        summary[f"{kind}_directory_ms_{large['rows']}"] = large["directory_page_ms_median"]
        summary[f"{kind}_directory_ratio_large_vs_small"] = round(
            large["directory_page_ms_median"] / small["directory_page_ms_median"], 2)
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
