"""The community plugin honours the contract, and its pages answer every role in Russian."""

from __future__ import annotations

import community
from lms.plugins import Plugin


def test_plugin_description(app):
    plugin = community.plugin
    assert isinstance(plugin, Plugin) and plugin.name == plugin.blueprint.name == "community"
    assert "community.view" in app.extensions["lms.permissions"] and plugin.requires == ("courses",)


def test_no_core_or_plugin_module_imports_community():
    """lms, courses and assessments never import community; community uses courses only through courses.api."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for package in ("lms", "courses", "assessments"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_bytes())):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                assert not any(n.split(".")[0] == "community" for n in names), path
    for path in (root / "community").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module if node.module != "courses" else f"courses.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top != "assessments" and (top != "courses" or name == "courses.api"), (path, name)


def test_pages_in_russian_for_each_role(login_as):
    for role in ("teacher", "tutor", "staff", "admin"):
        client = login_as(role)
        page = client.get("/community/")
        assert page.status_code == 200 and "<h1>Моё участие</h1>" in page.text, role
        assert client.get("/community/associations/").status_code == 200
    assert login_as("teacher").get("/community/mentoring/").status_code == 403
    assert login_as("tutor").get("/community/mentoring/").status_code == 200
    assert login_as("tutor").get("/community/mentoring/new").status_code == 403
    assert login_as("staff").get("/community/mentoring/new").status_code == 200


def test_demo_data_loads_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    from sqlalchemy import func, select

    from community.models import AssociationDetails, Meeting, MentoringPair
    from lms.extensions import db

    assert db.session.scalar(select(func.count()).select_from(AssociationDetails)) == 8
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 5
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 4
    young = runner.invoke(args=["community", "young-specialists"])
    assert "7 young specialists, 3 without a mentor." in young.output
