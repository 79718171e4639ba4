"""Uploaded files: checked by type and size, stored outside the code and static folders, served by views
that have checked access (never by the web server directly)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from lms.errors import ServiceError
from lms.i18n import _

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
    """Check and save an upload under ``area``.

    :raises ServiceError: a type outside ALLOWED_EXTENSIONS, content that does not match its extension,
        an empty file, or one over UPLOAD_MAX_BYTES.
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
    folder = storage_dir() / secure_filename(area)
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{secure_filename(area)}/{secrets.token_hex(16)}.{extension}"
    target = storage_dir() / key
    with open(target, "xb") as out:
        out.write(data)
    os.chmod(target, 0o640)
    return StoredFile(key=key, original_name=original[:200], size=len(data))


def send(key: str | None, original_name: str | None):
    """Stream a stored file as a download (never inline, so an uploaded page cannot run); 404 when the
    record has no file or the file is gone from storage."""
    path = (storage_dir() / (key or "")).resolve()
    if not key or storage_dir().resolve() not in path.parents or not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=original_name or path.name)
