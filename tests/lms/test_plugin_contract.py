"""A plugin written only against the contract: its blueprint, models, permissions, menu, hook and demo run."""

from __future__ import annotations

import sys
import types

import pytest
from flask import Blueprint

from lms.i18n import _l
from lms.plugins import NavItem, Plugin
from lms.reports.registry import Report, ReportTable, register_report
from lms.users.permissions import perm, permission_required


@pytest.fixture
def sample_plugin(monkeypatch):
    """A package `sampleplug` built in memory, the way a third plugin would be written."""
    calls = {"init_app": 0, "demo": []}
    bp = Blueprint("sampleplug", __name__)

    @bp.route("/")
    @permission_required("sampleplug.view")
    def home():
        return "sample home"

    def init_app(app):
        calls["init_app"] += 1
        register_report(app, Report("sampleplug.counts", _l("Sample"), "reports.view",
                                    lambda filters, viewer, page: ReportTable(["Школа", "Педагогов"],
                                                                              [("СОШ № 1", 12)])))

    package = types.ModuleType("sampleplug")
    package.plugin = Plugin(
        name="sampleplug", blueprint=bp, url_prefix="/sample", requires=("courses",),
        permissions=(perm("sampleplug.view", {"tutor"}),),
        nav=(NavItem(_l("Sample"), "sampleplug.home", "sampleplug.view", order=150),),
        init_app=init_app, demo_loader=lambda objects: calls["demo"].append(sorted(objects)),
    )
    monkeypatch.setitem(sys.modules, "sampleplug", package)
    monkeypatch.setitem(sys.modules, "sampleplug.models", types.ModuleType("sampleplug.models"))
    return calls


def test_every_part_of_the_contract_is_wired(sample_plugin, app_factory):
    from lms.extensions import db
    from tests.conftest import Client
    from tests.factories import make_user

    app = app_factory(PLUGINS=["courses", "sampleplug"])
    assert sample_plugin["init_app"] == 1
    with app.app_context():
        make_user("tutor", email="t@example.org")
        make_user("teacher", email="p@example.org")
        make_user("staff", email="s@example.org")
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    # The loader ran once, after the core's and the courses plugin's own (it sees their objects).
    assert sample_plugin["demo"] == [["admin", "associations", "municipality", "programmes", "schools", "staff",
                                      "teachers", "tutors"]]
    tutor, teacher, staff = (Client(app.test_client()) for _ in range(3))
    tutor.login("t@example.org")
    teacher.login("p@example.org")
    staff.login("s@example.org")
    assert tutor.get("/sample/").text == "sample home"
    assert teacher.get("/sample/").status_code == 403
    assert 'href="/sample/"' in tutor.get("/").text and 'href="/sample/"' not in teacher.get("/").text
    report = staff.get("/reports/sampleplug.counts")
    assert report.status_code == 200 and '<th scope="row">СОШ № 1</th><td>12</td>' in report.text
    assert "/reports/sampleplug.counts" in staff.get("/reports/").text
    assert staff.get("/reports/no.such").status_code == 404
    assert teacher.get("/reports/sampleplug.counts").status_code == 403


def test_a_permission_cannot_be_declared_twice_or_name_unknown_roles(app):
    from lms.users.permissions import register_permissions

    with pytest.raises(ValueError, match="registered twice"):
        register_permissions(app, [perm("users.view", {"admin"})])
    with pytest.raises(ValueError, match="unknown roles"):
        register_permissions(app, [perm("x.y", {"superhero"})])


def test_checking_an_undeclared_permission_fails_loudly(app, people):
    from lms.users.permissions import has_permission

    with app.test_request_context():
        with pytest.raises(KeyError):
            has_permission(people["admin"], "users.veiw")
