"""Staff edit the catalogue: programmes, their status, modules and their order, lessons."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from courses.blueprint import bp
from courses.forms import LessonFileForm, LessonForm, ModuleForm, ProgrammeForm
from courses.models import Lesson, LessonFile, Module, Programme
from courses.services import catalogue as service
from courses.views.catalogue import lesson_page
from lms.forms import ActionForm, options
from lms.i18n import _
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_catalogue")
def programme_edit(programme_id: int | None = None):
    item = get_or_404(Programme, programme_id) if programme_id else None
    form = ProgrammeForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_programme(
            item, version=form.version_value(), code=form.code.data, title=form.title.data,
            summary=form.summary.data, description=form.description.data), versioned=item)
        if saved is not None:
            flash(_("The programme has been saved."), "success")
            return redirect(url_for("courses.programme", programme_id=saved.id))
    return render_template("courses/catalogue/programme_edit.html", form=form, programme=item)


@bp.route("/programmes/<int:programme_id>/status/<status>", methods=["POST"])
@permission_required("courses.manage_catalogue")
def programme_status(programme_id: int, status: str):
    item = get_or_404(Programme, programme_id)
    if status not in ("draft", "published", "archived"):
        abort(404)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.set_programme_status(item, status)):
        flash(_("The programme's status has been changed."), "success")
    return redirect(url_for("courses.programme", programme_id=item.id))


def _module_form(programme: Programme, module: Module | None) -> ModuleForm:
    form = ModuleForm(obj=module if request.method == "GET" else None)
    if request.method == "GET" and module is not None:
        form.prerequisite_ids.data = [m.id for m in module.prerequisites]
    form.prerequisite_ids.choices = options((m.id, m.title) for m in programme.modules if m is not module)
    return form


@bp.route("/programmes/<int:programme_id>/modules/new", methods=["GET", "POST"])
@bp.route("/modules/<int:module_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_catalogue")
def module_edit(programme_id: int | None = None, module_id: int | None = None):
    module = get_or_404(Module, module_id) if module_id else None
    programme = module.programme if module else get_or_404(Programme, programme_id)
    form = _module_form(programme, module)
    if form.validate_on_submit():
        data = service.ModuleData(title=form.title.data, description=form.description.data, hours=form.hours.data,
                                  form=form.form.data, delivery=form.delivery.data,
                                  prerequisite_ids=form.prerequisite_ids.data or [],
                                  min_attendance=form.min_attendance.data)
        if save(form, lambda: service.save_module(programme, module, version=form.version_value(), data=data),
                versioned=module):
            flash(_("The module has been saved."), "success")
            return redirect(url_for("courses.programme", programme_id=programme.id))
    return render_template("courses/catalogue/module_edit.html", form=form, programme=programme, module=module)


@bp.route("/modules/<int:module_id>/move/<direction>", methods=["POST"])
@permission_required("courses.manage_catalogue")
def module_move(module_id: int, direction: str):
    module = get_or_404(Module, module_id)
    form = ActionForm()
    if direction in ("up", "down") and form.validate_on_submit():
        save(form, lambda: service.move_module(module, -1 if direction == "up" else 1))
    return redirect(url_for("courses.programme", programme_id=module.programme_id) + f"#module-{module.id}")


@bp.route("/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_catalogue")
def lesson_edit(module_id: int | None = None, lesson_id: int | None = None):
    lesson = get_or_404(Lesson, lesson_id) if lesson_id else None
    module = lesson.module if lesson else get_or_404(Module, module_id)
    form = LessonForm(obj=lesson if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_lesson(
            module, lesson, version=form.version_value(), title=form.title.data, body=form.body.data,
            video_url=form.video_url.data, required=form.required.data, minutes=form.minutes.data), versioned=lesson)
        if saved is not None:
            flash(_("The lesson has been saved."), "success")
            return redirect(url_for("courses.lesson", lesson_id=saved.id))
    return render_template("courses/catalogue/lesson_edit.html", form=form, module=module, lesson=lesson)


@bp.route("/lessons/<int:lesson_id>/files", methods=["POST"])
@permission_required("courses.manage_catalogue")
def lesson_file_add(lesson_id: int):
    lesson = get_or_404(Lesson, lesson_id)
    form = LessonFileForm()
    if form.validate_on_submit() and save(form, lambda: service.attach_file(lesson, form.file.data)):
        flash(_("The file is attached."), "success")
        return redirect(url_for("courses.lesson", lesson_id=lesson.id))
    if not form.file.errors and not form.errors:
        return redirect(url_for("courses.lesson", lesson_id=lesson.id))  # refused with a flash (a conflict)
    return lesson_page(lesson, file_form=form), 400  # the page again, the message at the file field


@bp.route("/lesson-files/<int:file_id>/delete", methods=["POST"])
@permission_required("courses.manage_catalogue")
def lesson_file_delete(file_id: int):
    attached = get_or_404(LessonFile, file_id)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.remove_file(attached)):
        flash(_("The file is removed from the lesson."), "success")
    return redirect(url_for("courses.lesson", lesson_id=attached.lesson_id))
