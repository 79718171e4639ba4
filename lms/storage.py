"""Uploaded files: checked by type and size, stored outside the code and static folders, served by views
that have checked access (never by the web server directly).

A file reaches the disk only with the row that owns it: :func:`store` checks the upload and stages its
bytes on the database session; they are written when that session commits (after its last flush, so
the row is in the transaction), and removed again if the commit then fails. A request that is refused,
rolled back or ends without committing leaves no file behind.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _

#: Keys of ``Session.info``: files staged by store() for the next commit, and those written by it so far.
_PENDING, _WRITTEN = "lms.storage.pending", "lms.storage.written"

#: File types people hand in: documents, presentations, spreadsheets, pictures, archives, short videos.
ALLOWED_EXTENSIONS = {"pdf", "doc", "docx", "odt", "rtf", "txt", "ppt", "pptx", "odp", "xls", "xlsx", "ods",
                      "png", "jpg", "jpeg", "gif", "zip", "mp4", "webm"}
#: The first bytes of formats whose content can be recognised: a renamed executable is refused.
SIGNATURES = {
    "pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF8",), "zip": (b"PK\x03\x04", b"PK\x05\x06"), "docx": (b"PK\x03\x04",), "pptx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",), "odt": (b"PK\x03\x04",), "odp": (b"PK\x03\x04",), "ods": (b"PK\x03\x04",),
}


@dataclass
class StoredFile:
    key: str  # the name on disk: random, never the uploader's
    original_name: str
    size: int


def storage_dir() -> Path:
    path = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(upload: FileStorage, area: str) -> StoredFile:
    """Check an upload and stage it under ``area``; the file is written when ``db.session`` commits.

    Call it from a service, store the returned ``key`` (and ``original_name``, ``size``) on the row that owns
    the file, and let the view commit as usual (``lms.web.save``): the bytes go to disk right after the
    commit's final flush, and are removed again if the commit fails. Nothing is written when the
    transaction rolls back or never commits, so a refused request leaves no stray file. Reading the file
    (:func:`send`) before the commit finds nothing.

    :param upload: the form's file; its stream is read once (up to UPLOAD_MAX_BYTES + 1 bytes).
    :param area: a folder name grouping the files of one kind (``lessons-12``); made safe for the disk.
    :returns: the new file's random key, the uploader's name for it (cut to 200 characters) and its size.
    :raises ServiceError: a type outside ALLOWED_EXTENSIONS, content that does not match its extension,
        an empty file, or one over UPLOAD_MAX_BYTES (``field="file"``).
    """
    original = upload.filename or ""
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ServiceError(_("Files of this type cannot be uploaded. Allowed: %(types)s.",
                             types=", ".join(sorted(ALLOWED_EXTENSIONS))), field="file")
    data = upload.stream.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise ServiceError(_("The file is empty."), field="file")
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise ServiceError(_("The file is larger than %(mb)d MB.", mb=current_app.config["UPLOAD_MAX_BYTES"] // 2**20),
                           field="file")
    signatures = SIGNATURES.get(extension)
    if signatures and not data.startswith(signatures):
        raise ServiceError(_("The file's content does not match its type «%(ext)s».", ext=extension), field="file")
    key = f"{secure_filename(area) or 'files'}/{secrets.token_hex(16)}.{extension}"
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so a session closed without committing drops the file (after_transaction_end)
    session.info.setdefault(_PENDING, []).append((storage_dir() / key, data))
    return StoredFile(key=key, original_name=original[:200], size=len(data))


@event.listens_for(Session, "before_commit")
def _write_staged_files(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # the rows that own the files first: a flush that fails leaves nothing on disk
    written = session.info.setdefault(_WRITTEN, [])
    for target, data in pending:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as out:
                written.append(target)
                out.write(data)
            os.chmod(target, 0o640)
        except OSError as exc:
            current_app.logger.exception("An uploaded file could not be written to %s", target)
            raise ServiceError(_("The file could not be saved on the server, so nothing was saved. "
                                 "Please try again later."), field="file") from exc


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted_files(session: Session, transaction) -> None:
    """The transaction ended without committing (rolled back, failed, closed): its staged files are
    dropped and any already written by a commit that then failed are removed."""
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)
    for target in session.info.pop(_WRITTEN, None) or ():
        target.unlink(missing_ok=True)


def send(key: str | None, original_name: str | None):
    """Stream a stored file as a download (never inline, so an uploaded page cannot run); 404 when the
    record has no file or the file is gone from storage."""
    path = (storage_dir() / (key or "")).resolve()
    if not key or storage_dir().resolve() not in path.parents or not path.is_file():
        abort(404)
    response = send_file(path, as_attachment=True, download_name=original_name or path.name)
    # As every generated file (lms.web.download): personal work is not kept in caches nor sniffed into a page.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
