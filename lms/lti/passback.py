"""Scores back to the platforms' gradebooks (AGS): queued with the change that earned them, sent after
commit as a background job (RQ when LMS_REDIS_URL is set, inline otherwise), retried with backoff, logged."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import requests
from flask import current_app, has_app_context
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.models import LtiLaunch, LtiPassback, LtiPlatform
from lms.lti.store import get_store
from lms.lti.tool import OurRegistration, http_session
from lms.models.mixins import utcnow
from lms.outbox import after_commit

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
QUEUE = "metodist-lti"


class RetryLater(Exception):
    """The platform did not take the score this time (unreachable, 5xx, 429): RQ tries again later."""


def queue_score(user_id: int, kind: str, ref: int, score: float, comment: str = "") -> list[LtiPassback]:
    """Queue ``score`` (0..1) for every line item the user's launches of this item came with.

    Called by plugins' signal receivers inside the transaction of the change; nothing is sent unless it
    commits. A user who never launched the item over LTI gets nothing queued.
    """
    launches = db.session.scalars(select(LtiLaunch).where(
        LtiLaunch.user_id == user_id, LtiLaunch.resource_kind == kind, LtiLaunch.resource_ref == ref,
        LtiLaunch.lineitem_url.is_not(None)).order_by(LtiLaunch.id.desc()))
    latest: dict[tuple, LtiLaunch] = {}
    for launch in launches:  # one column per placement of the link: its newest launch says where
        latest.setdefault((launch.platform_id, launch.lineitem_url), launch)
    rows = []
    for launch in latest.values():
        row = LtiPassback(launch=launch, score=min(max(float(score), 0.0), 1.0), comment=comment[:1000])
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    _send_after_commit([row.id for row in rows])
    return rows


def resend(row: LtiPassback) -> LtiPassback:
    """Send a failed score again (staff, from the passback log)."""
    if row.status != "failed":
        raise ServiceError(_("Only a failed score can be sent again."))
    row.status, row.attempts = "pending", 0
    db.session.flush()
    _send_after_commit([row.id])
    return row


def _send_after_commit(ids: list[int]) -> None:
    """Through the unit of work's outbox: sent only if the change that earned the score commits."""
    if ids:
        after_commit(lambda: [dispatch(passback_id) for passback_id in ids])


def backoff() -> list[float]:
    """The waits between tries in this mode (RQ or inline); one more try than waits."""
    name = "LTI_PASSBACK_BACKOFF" if current_app.config.get("REDIS_URL") else "LTI_PASSBACK_INLINE_BACKOFF"
    return list(current_app.config[name])


def dispatch(passback_id: int) -> None:
    """Hand one queued score to RQ, or send it here and now (retrying with the same backoff, in-line)."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue, Retry

        delays = backoff()
        Queue(QUEUE, connection=Redis.from_url(url)).enqueue(
            run_job, passback_id, retry=Retry(max=len(delays), interval=[int(d) for d in delays]) if delays else None)
        return
    for delay in [0.0, *backoff()]:
        time.sleep(delay)
        if attempt(passback_id) != "retrying":
            return


def run_job(passback_id: int) -> str:
    """The RQ job. Raises RetryLater while tries remain, so RQ schedules the next one."""
    if not has_app_context():
        with _worker_app().app_context():
            return run_job(passback_id)
    status = attempt(passback_id)
    if status == "retrying":
        raise RetryLater(f"passback {passback_id} not taken yet")
    return status


_APP = None


def _worker_app():
    global _APP
    if _APP is None:
        from lms import create_app

        _APP = create_app()
    return _APP


def attempt(passback_id: int) -> str:
    """Send the score once; record the try and the platform's answer. Returns the new status.

    Runs on a session of its own (after the commit that queued it, or in an RQ worker), and holds no
    transaction open while the platform is called.
    """
    with Session(db.engine, expire_on_commit=False) as session:
        row = session.get(LtiPassback, passback_id)
        if row is None or row.status in ("sent", "failed"):
            return row.status if row else "failed"
        platform = session.get(LtiPlatform, row.launch.platform_id)
        try:
            outgoing = _prepare(session, platform, row)
        except (LtiException, ServiceError) as exc:
            outgoing, error = None, str(getattr(exc, "message", exc))
        session.rollback()
        status, answer = "failed", ""
        if outgoing is None:
            answer = error
        else:
            try:
                answer, status = _send(*outgoing), "sent"
            except RetryLater as exc:
                answer, status = str(exc), "retrying"
            except LtiException as exc:
                answer = str(exc)
        row = session.get(LtiPassback, passback_id)
        row.attempts += 1
        if status == "retrying" and row.attempts >= 1 + len(backoff()):
            status = "failed"
        row.status, row.last_answer = status, answer[:4000]
        if status == "sent":
            row.sent_at = utcnow()
        session.commit()
        log = current_app.logger.info if status == "sent" else current_app.logger.warning
        log("LTI passback %s to platform %s: %s after %d attempt(s): %s", row.id, platform.id, status,
            row.attempts, answer[:300])
        return status


class CachedTokenConnector(ServiceConnector):
    """pylti1p3's connector with access tokens kept in the shared store per platform and scope until
    they expire (platforms rate-limit their token endpoints)."""

    def __init__(self, registration, platform_id: int):
        super().__init__(registration, http_session())
        self._platform_id = platform_id

    def _cache_key(self, scopes) -> str:
        return f"ags-token-{self._platform_id}-" + hashlib.sha256(" ".join(sorted(scopes)).encode()).hexdigest()

    def get_access_token(self, scopes) -> str:
        key = self._cache_key(scopes)
        cached = get_store().get(key)
        if cached:
            return cached
        token_response = self._fetch_token(scopes)
        lifetime = int(token_response.get("expires_in") or 3600)
        get_store().set(key, token_response["access_token"], max(lifetime - 30, 1))  # a margin for clocks
        return token_response["access_token"]

    def forget_token(self, scopes) -> None:
        get_store().delete(self._cache_key(scopes))

    def _fetch_token(self, scopes) -> dict:
        # As ServiceConnector.get_access_token, keeping the whole answer for expires_in.
        import uuid

        registration = self._registration
        audience = registration.get_auth_audience() or registration.get_auth_token_url()
        now = int(time.time())
        claims = {"iss": registration.get_client_id(), "sub": registration.get_client_id(), "aud": audience,
                  "iat": now - 5, "exp": now + 60, "jti": "lti-service-token-" + str(uuid.uuid4())}
        assertion = self.encode_jwt(claims, registration.get_tool_private_key(), {"kid": registration.get_kid()})
        response = self._requests_session.post(registration.get_auth_token_url(), data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion, "scope": " ".join(scopes)})
        if response.status_code >= 500 or response.status_code == 429:
            raise RetryLater(f"token endpoint: {response.status_code} {response.text[:1000]}")
        if not response.ok:
            raise LtiServiceException(response)
        try:
            body = response.json()
            body["access_token"]  # noqa: B018  (a token answer without one is a refusal)
        except (ValueError, KeyError, TypeError) as exc:
            raise LtiException(f"token endpoint answered without an access token: {response.text[:1000]}") from exc
        return body


def _prepare(session, platform: LtiPlatform, row: LtiPassback) -> tuple:
    """Everything the call needs, read from the database before any request leaves."""
    launch = row.launch
    scopes = launch.ags_scopes.split()
    if SCORE_SCOPE not in scopes:
        raise LtiException("the platform did not grant the score scope for this link")
    grade = (Grade().set_score_given(round(row.score * 100, 2)).set_score_maximum(100)
             .set_activity_progress("Completed").set_grading_progress("FullyGraded")
             .set_timestamp(datetime.now(UTC).isoformat()).set_user_id(_subject(session, platform, launch)))
    if row.comment:
        grade.set_comment(row.comment)
    return OurRegistration(platform, session=session), platform.id, scopes, launch.lineitem_url, grade


def _send(registration, platform_id: int, scopes: list[str], lineitem_url: str, grade: Grade) -> str:
    connector = CachedTokenConnector(registration, platform_id)
    service = AssignmentsGradesService(connector, {"scope": scopes, "lineitem": lineitem_url})
    try:
        try:
            response = service.put_grade(grade)
        except LtiServiceException as exc:
            if exc.response.status_code != 401:
                raise
            connector.forget_token(scopes)  # revoked or expired early: one fresh token
            response = service.put_grade(grade)
    except LtiServiceException as exc:
        code = exc.response.status_code
        answer = f"{code} {exc.response.text[:2000]}"
        if code >= 500 or code == 429:
            raise RetryLater(answer) from exc
        raise LtiException(answer) from exc
    except requests.RequestException as exc:
        raise RetryLater(f"platform unreachable: {exc}") from exc
    return f"200 {str(response.get('body'))[:2000]}"


def _subject(session, platform: LtiPlatform, launch: LtiLaunch) -> str:
    """The user's id at the platform (the same for every client id of its issuer)."""
    from lms.lti.models import LtiIdentity

    subject = session.scalar(select(LtiIdentity.subject).where(
        LtiIdentity.user_id == launch.user_id, LtiIdentity.issuer == platform.issuer))
    if subject is None:
        raise LtiException("the user has no identity at this platform any more")
    return subject
