"""The item bank for staff: list and filter, edit with a preview and history, import and export as JSON."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assessments.blueprint import bp
from assessments.forms import BankImportForm, ItemForm
from assessments.items import ITEM_TYPES
from assessments.models import Competency, Framework, Item, ItemChange
from assessments.models.bank import ITEM_STATUSES
from assessments.services import bank, items
from lms.extensions import db
from lms.forms import options
from lms.i18n import _, _l
from lms.users.models import User
from lms.users.permissions import permission_required
from lms.web import arg_id, download, get_or_404, paginate, save

STATUS_LABELS = {"draft": _l("draft"), "pilot": _l("pilot"), "live": _l("live"), "retired": _l("retired")}


def _framework() -> Framework:
    framework = db.session.scalar(select(Framework).where(Framework.current.is_(True)))
    if framework is None:
        abort(404)
    return framework


@bp.route("/bank/")
@permission_required("assessments.manage")
def bank_index():
    framework = _framework()
    competencies = db.session.scalars(select(Competency).where(Competency.framework_id == framework.id)
                                      .order_by(Competency.id)).all()
    query = (select(Item).where(Item.framework_id == framework.id).options(selectinload(Item.parameters))
             .order_by(Item.code, Item.id))
    competency_id = request.args.get("competency", type=arg_id)
    status = request.args.get("status") if request.args.get("status") in ITEM_STATUSES else None
    if competency_id:
        query = query.where(Item.competency_id == competency_id)
    if status:
        query = query.where(Item.status == status)
    counts = dict(db.session.execute(select(Item.competency_id, func.count()).where(
        Item.framework_id == framework.id, Item.status == "live", Item.type.in_(
            [n for n, k in ITEM_TYPES.items() if k.adaptive])).group_by(Item.competency_id)).all())
    return render_template("assessments/bank/index.html", framework=framework, competencies=competencies,
                           page=paginate(query), counts=counts, types=ITEM_TYPES,
                           statuses=STATUS_LABELS, competency_id=competency_id, status=status,
                           import_form=BankImportForm())


@bp.route("/bank/items/new", methods=["GET", "POST"])
@bp.route("/bank/items/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required("assessments.manage")
def item_edit(item_id: int | None = None):
    item = get_or_404(Item, item_id) if item_id else None
    framework = db.session.get(Framework, item.framework_id) if item else _framework()
    form = ItemForm(obj=item if request.method == "GET" else None)
    form.competency_id.choices = options((c.id, f"{c.code} {c.title}") for c in db.session.scalars(
        select(Competency).where(Competency.framework_id == framework.id).order_by(Competency.id)))
    form.type.choices = options((name, kind.label) for name, kind in ITEM_TYPES.items())
    form.status.choices = options(STATUS_LABELS.items())
    if request.method == "GET" and item is not None:
        form.options_text.data = items.options_text(item)
        if (params := item.current_parameters) is not None:
            form.a.data, form.b.data = params.a, params.b
    if form.validate_on_submit():
        data = items.ItemData(competency_id=form.competency_id.data, type=form.type.data, status=form.status.data,
                              code=form.code.data, stem=form.stem.data, options_text=form.options_text.data or "",
                              explanation=form.explanation.data or "", a=form.a.data, b=form.b.data)
        saved = save(form, lambda: items.save_item(framework, item, data, current_user, form.version_value()),
                     versioned=item)
        if saved is not None:
            flash(_("The item has been saved."), "success")
            return redirect(url_for("assessments.item_edit", item_id=saved.id))
    history = []
    if item is not None:
        history = db.session.execute(select(ItemChange, User).outerjoin(User, User.id == ItemChange.user_id)
                                     .where(ItemChange.item_id == item.id).order_by(ItemChange.id.desc())).all()
    return render_template("assessments/bank/edit.html", form=form, item=item, history=history,
                           kind=ITEM_TYPES.get(item.type) if item else None)


@bp.route("/bank/export")
@permission_required("assessments.manage")
def bank_export():
    framework = _framework()
    body = json.dumps(bank.export_bank(framework), ensure_ascii=False, indent=2)
    name = f"bank-{framework.code}-{framework.version}.json"
    return download(body, name, "application/json")


@bp.route("/bank/import", methods=["POST"])
@permission_required("assessments.manage")
def bank_import():
    framework = _framework()
    form = BankImportForm()
    if not form.validate_on_submit():
        for message in form.file.errors:
            flash(message, "error")
        return redirect(url_for("assessments.bank_index"))
    raw = form.file.data.read(10 * 1024 * 1024 + 1)
    if len(raw) > 10 * 1024 * 1024:
        flash(_("The file is larger than 10 MB."), "error")
        return redirect(url_for("assessments.bank_index"))
    counts = save(form, lambda: bank.import_bank(framework, bank.read(raw), current_user))
    if counts is not None:
        flash(_("Bank imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged.", **counts), "success")
    return redirect(url_for("assessments.bank_index"))
