"""Report files of large periods built in the background: an RQ job when LMS_REDIS_URL is set, right after the
commit otherwise; the person follows its progress on a page and downloads the file when it is done."""

from __future__ import annotations

import secrets

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.models.mixins import utcnow
from lms.outbox import after_commit
from lms.reports.models import ExportJob

QUEUE = "metodist-reports"


def start(viewer, kind: str, key: str, fmt: str, args: dict) -> ExportJob:
    """Queue the file; it is built only once this request commits."""
    job = ExportJob(user_id=viewer.id, kind=kind, key=key, fmt=fmt, args=dict(args), status="queued")
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    after_commit(lambda: dispatch(job_id))
    return job


def dispatch(job_id: int) -> None:
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(url)).enqueue(run_job, job_id, job_timeout=1800)
        return
    # After the commit the request's session takes no statements: a new app context has a session of its own.
    with current_app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run_job(job_id: int) -> str:
    """The RQ job (the worker has no app: it makes one, as the LTI passback's does)."""
    if not has_app_context():
        from lms.lti.passback import _worker_app

        with _worker_app().app_context():
            return run_job(job_id)
    return run(job_id)


def _update(job_id: int, **values) -> ExportJob | None:
    with Session(db.engine, expire_on_commit=False) as session:
        job = session.get(ExportJob, job_id)
        if job is None:
            return None
        for name, value in values.items():
            setattr(job, name, value)
        session.commit()
        return job


def run(job_id: int) -> str:
    """Build the file, store it and say so; a failure is recorded for the person, never raised."""
    from lms.reports import files
    from lms.storage import storage_dir
    from lms.users.models import User

    job = _update(job_id, status="running", progress=10)
    if job is None or job.file_key:
        return "gone"
    try:
        viewer = db.session.get(User, job.user_id)
        with current_app.test_request_context():
            built = files.build(job.kind, job.key, job.fmt, job.args, viewer)
        if built is None:
            raise ValueError("nothing to build")
        _update(job_id, progress=90)
        key = f"exports/{secrets.token_hex(16)}.{job.fmt}"
        (storage_dir() / "exports").mkdir(parents=True, exist_ok=True)
        (storage_dir() / key).write_bytes(built.data)
        _update(job_id, status="done", progress=100, file_key=key, file_name=built.name, finished_at=utcnow())
        return "done"
    except Exception as exc:  # noqa: BLE001 - the person sees that it failed; the log has why
        current_app.logger.exception("Export %s failed", job_id)
        db.session.rollback()
        _update(job_id, status="failed", error=str(exc)[:500], finished_at=utcnow())
        return "failed"
