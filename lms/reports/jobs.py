"""Report files of large periods, and other long work plugins register (a calibration of the item bank), built in
the background: an RQ job when LMS_REDIS_URL is set, right after the commit otherwise; the person follows its
progress on a page and downloads the file when it is done."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.models.mixins import utcnow
from lms.outbox import after_commit
from lms.reports.models import ExportJob

QUEUE = "metodist-reports"
#: An unfinished job older than this is taken for lost (its worker died; RQ's timeout is half of it): it no longer
#: stops the same work from being started again.
STALE_AFTER = timedelta(hours=1)


def register_kind(app: Flask, kind: str, build: Callable) -> None:
    """Let a plugin run its own long work as a job: ``build(key, fmt, args, viewer)`` returns a
    :class:`lms.reports.files.File` (its ``summary``, if any, is kept in the job's ``args``) and may write to the
    database: what it writes is committed with the job's end, rolled back if it fails."""
    kinds = app.extensions.setdefault("lms.job_kinds", {})
    if kind in kinds or kind in ("indicators", "records", "report"):
        raise ValueError(f"Job kind {kind!r} is registered twice")
    kinds[kind] = build


def unfinished(kind: str, key: str, *, now=None) -> ExportJob | None:
    """The queued or running job of this kind and key, unless it is so old it was lost."""
    since = (now or utcnow()) - STALE_AFTER
    return db.session.scalar(select(ExportJob).where(
        ExportJob.kind == kind, ExportJob.key == key, ExportJob.status.in_(("queued", "running")),
        ExportJob.created_at > since).order_by(ExportJob.id.desc()).limit(1))


def latest(kind: str, key: str) -> ExportJob | None:
    return db.session.scalar(select(ExportJob).where(ExportJob.kind == kind, ExportJob.key == key)
                             .order_by(ExportJob.id.desc()).limit(1))


def start(viewer, kind: str, key: str, fmt: str, args: dict) -> ExportJob:
    """Queue the file; it is built only once this request commits.

    The file is asked for by a link (a GET): a reload, a second click or a browser's prefetch while the same
    file is still queued or being built follows that job instead of queueing the whole build again.
    """
    waiting = db.session.scalars(select(ExportJob).where(
        ExportJob.user_id == viewer.id, ExportJob.kind == kind, ExportJob.key == key, ExportJob.fmt == fmt,
        ExportJob.status.in_(("queued", "running"))).order_by(ExportJob.id))
    same = next((job for job in waiting if job.args == dict(args)), None)
    if same is not None:
        return same
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
        own = current_app.extensions.get("lms.job_kinds", {}).get(job.kind)
        with current_app.test_request_context():
            built = own(job.key, job.fmt, job.args, viewer) if own else \
                files.build(job.kind, job.key, job.fmt, job.args, viewer)
        if built is None:
            raise ValueError("nothing to build")
        db.session.commit()  # what the work wrote (a report writes nothing)
        _update(job_id, progress=90)
        key = f"exports/{secrets.token_hex(16)}.{job.fmt}"
        (storage_dir() / "exports").mkdir(parents=True, exist_ok=True)
        (storage_dir() / key).write_bytes(built.data)
        summary = {"args": {**job.args, "summary": built.summary}} if built.summary is not None else {}
        _update(job_id, status="done", progress=100, file_key=key, file_name=built.name, finished_at=utcnow(),
                **summary)
        return "done"
    except Exception as exc:  # noqa: BLE001 - the person sees that it failed; the log has why
        current_app.logger.exception("Export %s failed", job_id)
        db.session.rollback()
        _update(job_id, status="failed", error=str(exc)[:500], finished_at=utcnow())
        return "failed"
