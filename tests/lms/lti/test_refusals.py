"""Every launch that fails a check is refused with a clear page and a logged reason, never a 500.

The state, nonce and cookies come from a real round with the peer platform; only the id_token is then
altered, the way an attacker or a broken platform would send it.
"""

from __future__ import annotations

import time

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import func, select

from lms.extensions import db
from lms.lti.models import LtiIdentity
from tests.factories import make_programme
from tests.lms.lti.conftest import CLIENT_ID, post_launch, rsa_pair, start_launch


@pytest.fixture
def launch(peers):
    with peers.app.app_context():
        programme = make_programme()
        db.session.commit()
        resource = f"programme:{programme.id}"
    browser = requests.Session()
    return peers, browser, start_launch(browser, peers, resource=resource)


def _kid(public_pem: str) -> str:
    return JWK.from_pem(public_pem.encode()).thumbprint()


def _claims(form) -> dict:
    return jwt.decode(form.id_token, options={"verify_signature": False})


def _sign(peers, claims: dict, private: str | None = None, kid: str | None = None) -> str:
    return jwt.encode(claims, private or peers.platform_private, algorithm="RS256",
                      headers={"kid": kid or _kid(peers.platform_public)})


def _refused(response, caplog, reason: str, status: int = 400) -> None:
    assert response.status_code == status, response.text[:500]
    assert "could not be verified" in response.text or "не удалось проверить" in response.text
    assert reason in caplog.text, caplog.text[-2000:]


def _no_one_signed_in(peers) -> None:
    with peers.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LtiIdentity)) == 0


def test_a_token_signed_by_another_key_is_refused(launch, caplog):
    peers, browser, form = launch
    other_private, _public = rsa_pair("stranger")
    token = _sign(peers, _claims(form), private=other_private)  # the platform's kid, a stranger's key
    _refused(post_launch(browser, form, id_token=token), caplog, "Signature verification failed")
    _no_one_signed_in(peers)


def test_an_unknown_kid_refetches_the_jwks_once_and_is_refused(launch, caplog):
    peers, browser, form = launch
    other_private, other_public = rsa_pair("stranger")
    token = _sign(peers, _claims(form), private=other_private, kid=_kid(other_public))
    _refused(post_launch(browser, form, id_token=token), caplog, "is not in the platform's JWKS")


def test_a_platform_key_rotation_is_picked_up_by_refetching_the_jwks(peers):
    """Our JWKS cache holds the old key; a token with the new kid makes us fetch the set again."""
    with peers.app.app_context():
        programme = make_programme()
        db.session.commit()
        resource = f"programme:{programme.id}"
    browser = requests.Session()
    assert post_launch(browser, start_launch(browser, peers, resource=resource)).status_code == 302  # caches JWKS
    new_private, new_public = rsa_pair("rotated")
    peers.configure(private_key=new_private, public_key=new_public, old_public_keys=[peers.platform_public])
    browser = requests.Session()
    form = start_launch(browser, peers, user="u-2", resource=resource)
    assert jwt.get_unverified_header(form.id_token)["kid"] == _kid(new_public)
    assert post_launch(browser, form).status_code == 302


def test_an_expired_token_is_refused_beyond_the_small_leeway(launch, caplog):
    peers, browser, form = launch
    claims = _claims(form)
    claims.update(iat=int(time.time()) - 600, exp=int(time.time()) - 120)
    _refused(post_launch(browser, form, id_token=_sign(peers, claims)), caplog, "Signature has expired")


def test_a_few_seconds_of_clock_skew_are_accepted(launch):
    peers, browser, form = launch
    claims = _claims(form)
    claims.update(exp=int(time.time()) - 5)
    assert post_launch(browser, form, id_token=_sign(peers, claims)).status_code == 302


@pytest.mark.parametrize("aud, azp, reason", [
    ("someone-else", None, "Registration not found"),  # no registration has that client id
    (["someone-else", CLIENT_ID], "someone-else", "Registration not found"),  # azp names the other one
    (["someone-else", CLIENT_ID], None, "Client id not registered for this issuer")])  # several, and no azp
def test_a_token_for_another_audience_is_refused(launch, caplog, aud, azp, reason):
    peers, browser, form = launch
    claims = _claims(form)
    claims["aud"] = aud
    claims.pop("azp", None)
    if azp:
        claims["azp"] = azp
    _refused(post_launch(browser, form, id_token=_sign(peers, claims)), caplog, reason)
    _no_one_signed_in(peers)


def test_aud_may_be_an_array_naming_us_with_azp(launch):
    peers, browser, form = launch
    claims = _claims(form)
    claims.update(aud=[CLIENT_ID, "https://platform.example/other"], azp=CLIENT_ID)
    assert post_launch(browser, form, id_token=_sign(peers, claims)).status_code == 302


def test_an_unknown_issuer_is_refused(launch, caplog):
    peers, browser, form = launch
    claims = _claims(form)
    claims["iss"] = "https://unknown.example"
    _refused(post_launch(browser, form, id_token=_sign(peers, claims)), caplog, "Registration not found")


def test_an_unknown_deployment_is_refused_and_a_second_registered_one_accepted(launch, caplog):
    peers, browser, form = launch
    claims = _claims(form)
    claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "deployment-unknown"
    _refused(post_launch(browser, form, id_token=_sign(peers, claims)), caplog, "Unable to find deployment")
    peers_, browser2, form2 = peers, requests.Session(), None
    form2 = start_launch(browser2, peers_, user="copy-user", resource=_claims(form)[
        "https://purl.imsglobal.org/spec/lti/claim/custom"]["resource"])
    claims = _claims(form2)
    claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "deployment-copy"  # a course copy's
    assert post_launch(browser2, form2, id_token=_sign(peers, claims)).status_code == 302


def test_a_replayed_launch_is_refused_in_any_worker(launch, caplog):
    peers, browser, form = launch
    assert post_launch(browser, form).status_code == 302
    # The same form again, from a fresh browser holding the state cookie (another worker would see the same store).
    replay = requests.Session()
    replay.cookies.update(browser.cookies)
    _refused(post_launch(replay, form), caplog, "Nonce already used")


@pytest.mark.parametrize("state, reason", [(None, "Missing state param"), ("state-forged", "State not found")])
def test_a_missing_or_wrong_state_is_refused(launch, caplog, state, reason):
    peers, browser, form = launch
    _refused(post_launch(browser, form, state=state), caplog, reason)


def test_a_launch_without_the_state_cookie_is_refused(launch, caplog):
    peers, _browser, form = launch
    _refused(post_launch(requests.Session(), form), caplog, "State not found")


@pytest.mark.parametrize("token, reason", [
    ("not-a-jwt", "JWT must contain 3 parts"),
    ("e30.e30.e30", "nonce"),
    ("@@@.###.$$$", "can't be decoded"),
    (None, "Missing id_token"),
    ("a" * 70_000 + ".b.c", "id_token too large"),
])
def test_a_malformed_or_oversized_token_is_refused(launch, caplog, token, reason):
    peers, browser, form = launch
    _refused(post_launch(browser, form, id_token=token), caplog, reason)
    _no_one_signed_in(peers)


def test_a_login_initiation_for_an_unknown_platform_is_refused(peers, caplog):
    response = requests.get(peers.tool + "/lti/login", params={"iss": "https://unknown.example", "login_hint": "x",
                                                               "lti1p3_new_window": "1"}, timeout=10)
    assert response.status_code == 400 and "<h1>" in response.text
    assert "Could not find registration details" in caplog.text


def test_an_unreachable_platform_jwks_is_refused_not_a_500(launch, caplog):
    from lms.lti.models import LtiPlatform

    peers, browser, form = launch
    with peers.app.app_context():
        db.session.get(LtiPlatform, peers.platform_id).jwks_url = "http://127.0.0.1:9/jwks"
        db.session.commit()
    _refused(post_launch(browser, form), caplog, "unreachable or not JSON")
    _no_one_signed_in(peers)
