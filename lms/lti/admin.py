"""Staff pages: the registered platforms with the addresses to give them, and the score passback log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import _
from lms.lti import keys, passback, roster, services
from lms.lti.forms import PlatformEditForm, PlatformForm
from lms.lti.launch import bp, our_url
from lms.lti.models import LtiLaunch, LtiPassback, LtiPlatform
from lms.users.permissions import permission_required
from lms.web import arg_id, get_or_404, paginate, save


@bp.route("/")
@permission_required("lti.manage")
def platforms():
    rows = db.session.scalars(select(LtiPlatform).options(selectinload(LtiPlatform.deployments))
                              .order_by(LtiPlatform.name, LtiPlatform.id)).all()
    urls = {"login": our_url("lti.login"), "launch": our_url("lti.launch"), "jwks": our_url("lti.jwks")}
    return render_template("lti/platforms.html", platforms=rows, urls=urls, action_form=ActionForm(),
                           kids=[key.kid for key in keys.active_keys()])


@bp.route("/platforms/new", methods=["GET", "POST"])
@permission_required("lti.manage")
def platform_new():
    form = PlatformForm()
    if form.validate_on_submit() and save(form, lambda: services.add_platform(services.PlatformData(
            name=form.name.data, issuer=form.issuer.data, client_id=form.client_id.data,
            auth_login_url=form.auth_login_url.data, auth_token_url=form.auth_token_url.data,
            jwks_url=form.jwks_url.data, auth_audience=form.auth_audience.data), form.deployment_ids())):
        flash(_("The platform is registered."), "success")
        return redirect(url_for("lti.platforms"))
    return render_template("lti/platform_new.html", form=form)


@bp.route("/platforms/<int:platform_id>/edit", methods=["GET", "POST"])
@permission_required("lti.manage")
def platform_edit(platform_id: int):
    platform = get_or_404(LtiPlatform, platform_id, options=[selectinload(LtiPlatform.deployments)])
    form = PlatformEditForm(obj=platform if request.method == "GET" else None)
    if request.method == "GET":
        form.deployments.data = "\n".join(d.deployment_id for d in platform.deployments if d.active)
    if form.validate_on_submit() and save(form, lambda: services.edit_platform(platform, services.PlatformData(
            name=form.name.data, issuer=platform.issuer, client_id=platform.client_id,
            auth_login_url=form.auth_login_url.data, auth_token_url=form.auth_token_url.data,
            jwks_url=form.jwks_url.data, auth_audience=form.auth_audience.data), form.deployment_ids(),
            version=form.version_value()), versioned=platform):
        flash(_("The platform is saved."), "success")
        return redirect(url_for("lti.platforms"))
    return render_template("lti/platform_edit.html", form=form, platform=platform)


@bp.route("/platforms/<int:platform_id>/active", methods=["POST"])
@permission_required("lti.manage")
def platform_active(platform_id: int):
    platform = get_or_404(LtiPlatform, platform_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    save(form, lambda: services.set_active(platform, not platform.active))
    return redirect(url_for("lti.platforms"))


@bp.route("/passbacks")
@permission_required("lti.manage")
def passbacks():
    page = paginate(select(LtiPassback).options(
        selectinload(LtiPassback.launch).selectinload(LtiLaunch.platform),
        selectinload(LtiPassback.launch).selectinload(LtiLaunch.user))
        .order_by(LtiPassback.id.desc()))
    return render_template("lti/passbacks.html", page=page, action_form=ActionForm())


@bp.route("/passbacks/<int:passback_id>/resend", methods=["POST"])
@permission_required("lti.manage")
def resend(passback_id: int):
    row = get_or_404(LtiPassback, passback_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if save(form, lambda: passback.resend(row)):
        flash(_("The score is being sent again."), "success")
    return redirect(url_for("lti.passbacks"))


@bp.route("/rosters")
@permission_required("lti.manage")
def rosters():
    """The platform courses whose roster we may read: one row per course, from its newest launch."""
    # The newest launch per course is chosen in SQL, so the pager counts courses, not launches.
    newest = (select(func.max(LtiLaunch.id)).where(LtiLaunch.memberships_url.is_not(None))
              .group_by(LtiLaunch.platform_id, LtiLaunch.memberships_url))
    page = paginate(select(LtiLaunch).where(LtiLaunch.id.in_(newest)).options(selectinload(LtiLaunch.platform))
                    .order_by(LtiLaunch.id.desc()))
    target = roster.roster_target()
    return render_template("lti/rosters.html", page=page, action_form=ActionForm(),
                           target=target, targets=target.choices() if target else [])


@bp.route("/rosters/<int:launch_id>/import", methods=["POST"])
@permission_required("lti.manage")
def roster_import(launch_id: int):
    launch = get_or_404(LtiLaunch, launch_id, lambda user, obj: obj.memberships_url is not None)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    target_id = request.form.get("target", type=arg_id)
    result = save(form, lambda: roster.import_roster(launch, target_id=target_id, actor=current_user))
    if result is not None:
        flash(_("Roster imported: %(total)d people, %(created)d of them new; %(skipped)d left out (inactive "
                "or without an id).", total=len(result.users), created=result.created, skipped=result.skipped),
              "success")
        if result.placed:
            flash(result.placed, "success")
    return redirect(url_for("lti.rosters"))
