"""`flask lti …`, our JWKS through key rotation, and the registration rules (no HTTP peers needed)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from lms.extensions import db
from lms.lti import services
from lms.lti.models import LtiKey, LtiPlatform

ADD = ["lti", "add-platform", "--name", "Moodle ИРО", "--issuer", "https://moodle.example.ru",
       "--client-id", "abc", "--auth-login-url", "https://moodle.example.ru/mod/lti/auth.php",
       "--token-url", "https://moodle.example.ru/mod/lti/token.php",
       "--jwks-url", "https://moodle.example.ru/mod/lti/certs.php", "--deployment", "1", "--deployment", "7"]


def test_platforms_and_deployments_from_the_cli(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=ADD).exit_code == 0
    again = runner.invoke(args=ADD)
    assert again.exit_code == 1 and "уже зарегистрирован" in again.output
    platform = db.session.scalar(select(LtiPlatform))
    assert runner.invoke(args=["lti", "add-deployment", str(platform.id), "12"]).exit_code == 0
    assert runner.invoke(args=["lti", "add-deployment", str(platform.id), "12"]).exit_code == 1
    assert runner.invoke(args=["lti", "add-deployment", "999", "12"]).exit_code == 1
    listed = runner.invoke(args=["lti", "list"]).output
    assert "Moodle ИРО" in listed and "deployment 1" in listed and "deployment 12" in listed
    assert "/lti/login" in listed and "/lti/launch" in listed and "/lti/jwks" in listed


def test_rotation_publishes_every_active_key_and_never_a_private_one(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lti", "rotate-key"]).exit_code == 0
    assert runner.invoke(args=["lti", "rotate-key"]).exit_code == 0
    old, new = db.session.scalars(select(LtiKey).order_by(LtiKey.id)).all()
    published = client.get("/lti/jwks").json["keys"]
    assert [key["kid"] for key in published] == [old.kid, new.kid]
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and "d" not in key and "p" not in key
               for key in published)
    listed = runner.invoke(args=["lti", "list"]).output
    assert "PRIVATE" not in listed and old.private_pem.splitlines()[1] not in listed
    assert runner.invoke(args=["lti", "retire-key", "--", old.kid]).exit_code == 0
    assert [key["kid"] for key in client.get("/lti/jwks").json["keys"]] == [new.kid]
    last = runner.invoke(args=["lti", "retire-key", "--", new.kid])
    assert last.exit_code == 1 and "единственный действующий ключ" in last.output
    assert "PRIVATE" not in json.dumps(client.get("/lti/jwks").json)


def test_roles_map_without_ever_granting_admin():
    lis = "http://purl.imsglobal.org/vocab/lis/v2/"
    assert services.mapped_roles([lis + "membership#Instructor"]) == {"tutor"}
    assert services.mapped_roles([lis + "membership#Learner"]) == {"teacher"}
    assert services.mapped_roles([lis + "institution/person#Administrator", lis + "system/person#SysAdmin"]) == \
        {"staff"}
    assert services.mapped_roles([lis + "membership#Mentor", 42, None]) == {"teacher"}
    assert services.mapped_roles("Administrator") == {"teacher"}
    assert "admin" not in services.ROLE_MAP.values()


def test_staff_register_a_platform_in_the_interface_and_deactivate_it(app, login_as):
    staff = login_as("staff")
    page = staff.get("/lti/platforms/new")
    assert page.status_code == 200
    form = {"name": "Canvas", "issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks", "deployments": "a:1\n\nb:2\n"}
    assert staff.post("/lti/platforms/new", form).status_code == 302
    platform = db.session.scalar(select(LtiPlatform))
    assert [d.deployment_id for d in platform.deployments] == ["a:1", "b:2"]
    again = staff.post("/lti/platforms/new", form)
    assert again.status_code == 200 and db.session.scalar(select(func.count()).select_from(LtiPlatform)) == 1
    bad = staff.post("/lti/platforms/new", dict(form, client_id="x", jwks_url="ftp://nowhere"))
    assert bad.status_code == 200
    listing = staff.get("/lti/")
    assert "https://canvas.instructure.com" in listing.text and "/lti/login" in listing.text
    assert staff.post(f"/lti/platforms/{platform.id}/active").status_code == 302
    db.session.expire_all()
    assert db.session.get(LtiPlatform, platform.id).active is False
    assert login_as("tutor").get("/lti/platforms/new").status_code == 403


def test_staff_edit_a_platform_and_switch_a_deployment_off_and_on(app, login_as):
    platform = services.add_platform(services.PlatformData(
        name="Moodle", issuer="https://moodle.example.ru", client_id="c-1",
        auth_login_url="https://moodle.example.ru/auth", auth_token_url="https://moodle.example.ru/token",
        jwks_url="https://moodle.example.ru/jwks"), ["dep-1", "dep-2"])
    db.session.commit()
    staff = login_as("staff")
    page = staff.get(f"/lti/platforms/{platform.id}/edit")
    assert page.status_code == 200 and "dep-1\ndep-2" in page.text and "https://moodle.example.ru/jwks" in page.text
    form = {"name": "Moodle района", "auth_login_url": "https://moodle.example.ru/auth2",
            "auth_token_url": "https://moodle.example.ru/token", "jwks_url": "https://moodle.example.ru/keys",
            "auth_audience": "", "deployments": "dep-2\ndep-3\n", "version": platform.version}
    assert staff.post(f"/lti/platforms/{platform.id}/edit", form).status_code == 302
    db.session.expire_all()
    platform = db.session.get(LtiPlatform, platform.id)
    assert (platform.name, platform.auth_login_url, platform.jwks_url, platform.issuer, platform.client_id) == (
        "Moodle района", "https://moodle.example.ru/auth2", "https://moodle.example.ru/keys",
        "https://moodle.example.ru", "c-1")
    assert [(d.deployment_id, d.active) for d in platform.deployments] == [
        ("dep-1", False), ("dep-2", True), ("dep-3", True)]
    assert "(отключён)" in staff.get("/lti/").text
    # A form opened before that save is refused and changes nothing; listed again, dep-1 is back on.
    stale = staff.post(f"/lti/platforms/{platform.id}/edit", dict(form, name="Старое окно", version=1))
    assert stale.status_code == 200 and "изменил кто-то другой" in stale.text
    again = staff.post(f"/lti/platforms/{platform.id}/edit",
                       dict(form, deployments="dep-1\ndep-2\ndep-3", version=platform.version))
    assert again.status_code == 302
    bad = staff.post(f"/lti/platforms/{platform.id}/edit", dict(form, jwks_url="ftp://nowhere",
                                                                 version=platform.version + 1))
    assert bad.status_code == 200
    db.session.expire_all()
    platform = db.session.get(LtiPlatform, platform.id)
    assert platform.name == "Moodle района" and platform.jwks_url == "https://moodle.example.ru/keys"
    assert all(d.active for d in platform.deployments) and len(platform.deployments) == 3
    assert login_as("tutor").get(f"/lti/platforms/{platform.id}/edit").status_code == 403
