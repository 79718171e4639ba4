"""`flask users …` and `flask demo load`."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.orgs.models import School
from lms.users.models import User
from lms.users.services import find_user_by_email


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_users_create_with_several_roles(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Head@Example.org", "--last-name", "Руденко",
                                 "--first-name", "Виктор", "--middle-name", "Павлович", "--role", "admin",
                                 "--role", "tutor", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    user = find_user_by_email("head@example.org")
    assert user.role_codes == {"admin", "tutor"} and user.password_hash


def test_users_create_refuses_duplicates_and_unknown_roles(app):
    runner = app.test_cli_runner()
    args = ["users", "create", "--email", "a@example.org", "--last-name", "А", "--first-name", "Б"]
    assert runner.invoke(args=args + ["--role", "teacher", "--password", "long-enough-pw"]).exit_code == 0
    again = runner.invoke(args=args + ["--role", "teacher", "--password", "long-enough-pw"])
    assert again.exit_code == 1 and "уже существует" in again.output  # service messages follow the default locale
    assert runner.invoke(args=args + ["--role", "wizard", "--password", "x" * 10]).exit_code == 2
    assert _count(User) == 1


def test_users_create_without_password_prints_a_link(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "new@example.org", "--last-name", "Н", "--first-name", "Н",
        "--role", "teacher", "--no-password"])
    assert result.exit_code == 0 and "http://127.0.0.1:5000/auth/reset/" in result.output


def test_deactivate_and_set_password(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "--email", "x@example.org", "--last-name", "Х", "--first-name", "Х",
                        "--role", "teacher", "--password", "long-enough-pw"])
    assert runner.invoke(args=["users", "set-password", "x@example.org", "--password", "short"]).exit_code == 1
    result = runner.invoke(args=["users", "set-password", "x@example.org", "--password", "another-long-pw"])
    assert result.exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "x@example.org"]).exit_code == 0
    db.session.expire_all()
    assert find_user_by_email("x@example.org").active is False
    assert runner.invoke(args=["users", "deactivate", "nobody@example.org"]).exit_code == 1


def test_demo_load_is_idempotent_and_prints_the_accounts(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    for email in ("admin@demo.metodist", "staff@demo.metodist", "tutor@demo.metodist", "teacher@demo.metodist",
                  "metodist-demo"):
        assert email in first.output
    users, schools = _count(User), _count(School)
    assert users >= 45 and schools == 5
    teachers = db.session.scalar(select(func.count()).select_from(User).where(User.roles.any(role="teacher")))
    assert teachers == 40
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert (_count(User), _count(School)) == (users, schools)
    teacher = find_user_by_email("teacher@demo.metodist")
    assert teacher.profile.school is not None and teacher.profile.subjects
    from courses.models import Work

    states = set(db.session.execute(select(Work.source, Work.status)))
    # the tutors' inbox and the results show real work of both kinds
    assert states == {(source, status) for source in ("courses.task", "assessments.practical")
                      for status in ("submitted", "returned", "accepted")}


def test_demo_accounts_can_sign_in(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    for email in ("admin@demo.metodist", "staff@demo.metodist", "tutor@demo.metodist", "teacher@demo.metodist"):
        assert client.login(email, "metodist-demo").status_code == 302, email
        client.logout()


def test_demo_load_refuses_a_production_database(monkeypatch, database_url):
    from lms import create_app

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "s3cret")
    monkeypatch.setenv("LMS_BASE_URL", "https://metodist.example.ru")
    monkeypatch.setenv("LMS_DATABASE_URL", database_url)
    app = create_app()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "Refusing" in result.output
    with app.app_context():
        assert _count(User) == 0
        db.engine.dispose()
