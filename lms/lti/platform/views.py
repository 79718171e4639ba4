"""The platform's endpoints: our authorization answer to a tool, the token endpoint, AGS, NRPS, staff pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from lms.errors import ServiceError
from lms.extensions import csrf, db
from lms.forms import ActionForm
from lms.i18n import _
from lms.lti.forms import ToolEditForm, ToolForm, ToolRegistrationForm
from lms.lti.launch import bp, our_url, refuse
from lms.lti.models import LtiTool
from lms.lti.platform import (
    SCOPE_LINEITEM_READ,
    SCOPE_NRPS,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    ags,
    messages,
    registration,
    tools,
)
from lms.users.permissions import permission_required
from lms.web import get_or_404, save

#: Results and line items a page holds unless the tool asks for fewer.
PAGE = 100


def _refused(exc: ags.AgsError):
    current_app.logger.warning("LTI platform: %s refused: %s", request.path, exc.description)
    db.session.rollback()
    response = jsonify(error=exc.error, error_description=exc.description)
    response.status_code = exc.status
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return response


@bp.errorhandler(ags.AgsError)
def ags_error(exc: ags.AgsError):
    return _refused(exc)


@bp.route("/platform/authorize", methods=["GET", "POST"])
@csrf.exempt
def platform_authorize():
    """The tool's OIDC authentication request: an auto-submitted form posting our signed id_token back."""
    params = request.values.to_dict()
    try:
        target, token, state = messages.authorize(current_user, params)
    except messages.AuthorizationRefused as exc:
        return refuse(f"platform authorization: {exc.reason}", _(
            "The external tool's request could not be verified, so it was not opened. Go back to your route "
            "and press «Open» again."))
    except ServiceError as exc:  # we have no signing key
        return refuse(f"platform authorization: {exc.message}", exc.message, 503)
    response = current_app.make_response(render_template("lti/tool_launch.html", target=target, token=token,
                                                         state=state))
    parts = urlsplit(target)
    # Our pages post only to ourselves; this one posts the signed launch to the tool's registered address.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self'; form-action {parts.scheme}://{parts.netloc}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/platform/token", methods=["POST"])
@csrf.exempt
def platform_token():
    answer = ags.issue_token(request.form.to_dict(), our_url("lti.platform_token"))
    db.session.commit()
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


def _tool(tool_id: int, *scopes: str) -> LtiTool:
    return ags.authorised_tool(request.headers.get("Authorization"), tool_id, scopes)


def _item_url(tool_id: int, item_id: int) -> str:
    return our_url("lti.platform_line_item", tool_id=tool_id, item_id=item_id)


def _page() -> tuple[int, int]:
    limit, offset = request.args.get("limit", PAGE, type=int), request.args.get("offset", 0, type=int)
    return max(0, min(offset, 10**6)), max(1, min(limit, PAGE))


def _paged(payload, content_type: str, has_next: bool, endpoint: str, offset: int, limit: int, **values):
    response = jsonify(payload)
    response.headers["Content-Type"] = content_type
    if has_next:
        response.headers["Link"] = f'<{our_url(endpoint, offset=offset + limit, limit=limit, **values)}>; rel="next"'
    return response


@bp.route("/platform/tools/<int:tool_id>/lineitems")
@csrf.exempt
def platform_line_items(tool_id: int):
    tool = _tool(tool_id, SCOPE_LINEITEM_READ)
    offset, limit = _page()
    items = ags.line_items(tool, request.args.get("resource_link_id"))
    return _paged([ags.describe(i, _item_url(tool.id, i.id)) for i in items[offset:offset + limit]],
                  "application/vnd.ims.lis.v2.lineitemcontainer+json", offset + limit < len(items),
                  "lti.platform_line_items", offset, limit, tool_id=tool.id)


@bp.route("/platform/tools/<int:tool_id>/lineitems/<int:item_id>")
@csrf.exempt
def platform_line_item(tool_id: int, item_id: int):
    tool = _tool(tool_id, SCOPE_LINEITEM_READ)
    response = jsonify(ags.describe(ags.line_item(tool, item_id), _item_url(tool.id, item_id)))
    response.headers["Content-Type"] = "application/vnd.ims.lis.v2.lineitem+json"
    return response


@bp.route("/platform/tools/<int:tool_id>/lineitems/<int:item_id>/scores", methods=["POST"])
@csrf.exempt
def platform_scores(tool_id: int, item_id: int):
    tool = _tool(tool_id, SCOPE_SCORE)
    item = ags.line_item(tool, item_id)
    if request.mimetype != "application/vnd.ims.lis.v1.score+json":
        raise ags.AgsError(415, "invalid_request", "scores are application/vnd.ims.lis.v1.score+json")
    ags.receive_score(tool, item, request.get_data(cache=False)[:65537])
    db.session.commit()
    return "", 204


@bp.route("/platform/tools/<int:tool_id>/lineitems/<int:item_id>/results")
@csrf.exempt
def platform_results(tool_id: int, item_id: int):
    tool = _tool(tool_id, SCOPE_RESULT_READ)
    item = ags.line_item(tool, item_id)
    offset, limit = _page()
    rows, has_next = ags.results(item, _item_url(tool.id, item.id), offset, limit)
    return _paged(rows, "application/vnd.ims.lis.v2.resultcontainer+json", has_next, "lti.platform_results",
                  offset, limit, tool_id=tool.id, item_id=item.id)


@bp.route("/platform/tools/<int:tool_id>/lineitems/<int:item_id>/memberships")
@csrf.exempt
def platform_memberships(tool_id: int, item_id: int):
    tool = _tool(tool_id, SCOPE_NRPS)
    offset, limit = _page()
    payload, has_next = ags.memberships(ags.line_item(tool, item_id), offset, limit)
    payload["id"] = request.base_url
    return _paged(payload, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", has_next,
                  "lti.platform_memberships", offset, limit, tool_id=tool.id, item_id=item_id)


@bp.route("/tools")
@permission_required("lti.manage")
def tools_list():
    rows = db.session.scalars(db.select(LtiTool).order_by(LtiTool.name, LtiTool.id)).all()
    urls = {"issuer": messages.issuer(), "authorize": our_url("lti.platform_authorize"),
            "token": our_url("lti.platform_token"), "jwks": our_url("lti.jwks")}
    return render_template("lti/tools.html", tools=rows, urls=urls, action_form=ActionForm(),
                           registration_form=ToolRegistrationForm())


@bp.route("/tools/new", methods=["GET", "POST"])
@permission_required("lti.manage")
def tool_new():
    form = ToolForm()
    if form.validate_on_submit() and save(form, lambda: tools.add_tool(tools.ToolData(
            name=form.name.data, login_url=form.login_url.data, redirect_urls=form.redirect_list(),
            jwks_url=form.jwks_url.data or None, public_key=form.public_key.data or None,
            client_id=form.client_id.data or None, deployment_id=form.deployment_id.data or None))):
        flash(_("The tool is registered."), "success")
        return redirect(url_for("lti.tools_list"))
    return render_template("lti/tool_new.html", form=form)


@bp.route("/tools/<int:tool_id>/edit", methods=["GET", "POST"])
@permission_required("lti.manage")
def tool_edit(tool_id: int):
    tool = get_or_404(LtiTool, tool_id)
    form = ToolEditForm(obj=tool if request.method == "GET" else None)
    if request.method == "GET":
        form.redirect_urls.data = tool.redirect_urls
    if form.validate_on_submit() and save(form, lambda: tools.edit_tool(tool, tools.ToolData(
            name=form.name.data, login_url=form.login_url.data, redirect_urls=form.redirect_list(),
            jwks_url=form.jwks_url.data or None, public_key=form.public_key.data or None,
            target_link_uri=form.target_link_uri.data or None), version=form.version_value()), versioned=tool):
        flash(_("The tool is saved."), "success")
        return redirect(url_for("lti.tools_list"))
    return render_template("lti/tool_edit.html", form=form, tool=tool, action_form=ActionForm())


@bp.route("/tools/<int:tool_id>/active", methods=["POST"])
@permission_required("lti.manage")
def tool_active(tool_id: int):
    tool = get_or_404(LtiTool, tool_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if save(form, lambda: tools.set_tool_active(tool, not tool.active)):
        flash(_("The tool is active: teachers can open it.") if tool.active else
              _("The tool is deactivated: it cannot be opened and its tokens are refused."), "success")
    return redirect(url_for("lti.tools_list"))


@bp.route("/tools/register", methods=["POST"])
@permission_required("lti.manage")
def tool_register_start():
    """Staff start a tool's Dynamic Registration: their browser goes to the tool's initiation URL."""
    form = ToolRegistrationForm()
    if not form.validate_on_submit():
        flash(_("Give the tool's registration (initiation) URL, starting with https://."), "error")
        return redirect(url_for("lti.tools_list"))
    address = save(form, lambda: registration.start(form.initiate_url.data))
    return redirect(address) if address else redirect(url_for("lti.tools_list"))


@bp.route("/platform/openid-configuration")
@csrf.exempt
def platform_openid_configuration():
    response = jsonify(registration.openid_configuration())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/platform/register", methods=["POST"])
@csrf.exempt
def platform_register():
    """A tool's client registration (Dynamic Registration), with the one-time token as its Bearer."""
    if (request.content_length or 0) > registration.MAX_BODY:
        raise ags.AgsError(413, "invalid_client_metadata", "the registration is too large")
    _tool_row, answer = registration.register(request.headers.get("Authorization"),
                                              request.get_data(cache=False)[:registration.MAX_BODY + 1])
    db.session.commit()
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response
