"""Uploaded files reach the disk only with the row that owns them, when its transaction commits."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from courses.models import LessonFile
from courses.services.catalogue import attach_file
from lms.errors import ServiceError
from lms.extensions import db
from lms.storage import storage_dir, store
from tests.factories import make_programme

PDF = b"%PDF-1.4 a lesson plan"


def _upload(name: str = "plan.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def lesson(app):
    programme = make_programme(modules=1, lessons=1)
    db.session.commit()
    return programme.modules[0].lessons[0]


def test_the_file_is_written_when_its_row_commits(app, lesson):
    attached = attach_file(lesson, _upload())
    path = storage_dir() / attached.file_key
    assert not path.exists()  # staged: nothing on disk before the commit
    db.session.commit()
    assert path.read_bytes() == PDF
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_rolled_back_or_abandoned_upload_leaves_no_file(app, lesson):
    attached = attach_file(lesson, _upload())
    path = storage_dir() / attached.file_key
    db.session.rollback()
    db.session.commit()  # a later commit of the same session does not write what was rolled back
    assert not path.exists()
    key = store(_upload(), "abandoned").key
    db.session.close()  # the request ended without committing
    db.session.commit()
    assert not (storage_dir() / key).exists()


def test_a_row_the_database_refuses_takes_its_file_with_it(app, lesson):
    attached = attach_file(lesson, _upload())
    path = storage_dir() / attached.file_key
    db.session.add(LessonFile(lesson_id=lesson.id, file_key=None, file_name="x", size=1))  # NOT NULL breaks
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert not path.exists()
    assert db.session.scalars(select(LessonFile)).all() == []


def test_a_failed_write_removes_the_files_written_before_it_and_saves_nothing(app, lesson):
    first, second = attach_file(lesson, _upload()), attach_file(lesson, _upload("notes.pdf"))
    blocked = storage_dir() / second.file_key
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_bytes(b"already here")  # the second write fails (the name is taken)
    with pytest.raises(ServiceError, match="не удалось сохранить"):
        db.session.commit()
    db.session.rollback()
    assert not (storage_dir() / first.file_key).exists()
    assert db.session.scalars(select(LessonFile)).all() == []
    blocked.unlink()
