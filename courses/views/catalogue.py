"""What every role reads: the catalogue, a programme, a lesson; teachers mark lessons studied."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from courses import queries
from courses.blueprint import bp
from courses.forms import LessonFileForm
from courses.models import Lesson, LessonFile
from courses.permissions import can_edit_catalogue, can_view_programme
from courses.services import catalogue as service
from lms import storage
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import _
from lms.richtext import video_embed_url
from lms.users.permissions import permission_required
from lms.web import get_or_404


@bp.route("/")
@permission_required("courses.view")
def home():
    statuses = ("published", "draft", "archived") if can_edit_catalogue(current_user) else ("published",)
    return render_template("courses/catalogue/index.html", cards=queries.catalogue(current_user, statuses),
                           enrolments=queries.enrolments_of(current_user))


@bp.route("/programmes/<int:programme_id>")
@permission_required("courses.view")
def programme(programme_id: int):
    item = queries.programme_with_contents(programme_id)
    if item is None:
        abort(404)
    if not can_view_programme(current_user, item):
        abort(403)
    studied = queries.studied_lesson_ids(current_user, item)
    mine = {e.group_id: e for e in queries.enrolments_of(current_user) if e.group.programme_id == item.id}
    return render_template("courses/catalogue/programme.html", programme=item, studied=studied,
                           open_groups=queries.open_groups(item.id), my_enrolments=mine, action_form=ActionForm(),
                           tasks=queries.tasks_by_module(item),
                           completed=queries.completed_module_ids(current_user, item))


@bp.route("/lessons/<int:lesson_id>")
@permission_required("courses.view")
def lesson(lesson_id: int):
    return lesson_page(get_or_404(Lesson, lesson_id, lambda user, obj: can_view_programme(user, obj.module.programme)))


def lesson_page(item: Lesson, file_form: LessonFileForm | None = None):
    """The lesson; a refused attachment comes back with its message at the file field."""
    studied = item.id in queries.studied_lesson_ids(current_user, item.module.programme)
    return render_template("courses/catalogue/lesson.html", lesson=item, studied=studied,
                           embed=video_embed_url(item.video_url), file_form=file_form or LessonFileForm(formdata=None),
                           action_form=ActionForm())


@bp.route("/lessons/<int:lesson_id>/studied", methods=["POST"])
@permission_required("courses.study")
def lesson_studied(lesson_id: int):
    item = get_or_404(Lesson, lesson_id, lambda user, obj: can_view_programme(user, obj.module.programme)
                      and obj.module.programme.status == "published")
    if ActionForm().validate_on_submit():
        service.mark_studied(current_user, item)
        db.session.commit()
        flash(_("The lesson is marked as studied."), "success")
    return redirect(url_for("courses.lesson", lesson_id=item.id))


@bp.route("/lesson-files/<int:file_id>")
@permission_required("courses.view")
def lesson_file(file_id: int):
    attached = get_or_404(LessonFile, file_id, lambda user, f: can_view_programme(user, f.lesson.module.programme))
    return storage.send(attached.file_key, attached.file_name)
