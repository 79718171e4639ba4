"""The ИОМ as a DOCX or PDF document, and a group's routes as a spreadsheet."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.blueprint import bp
from assessments.models import Route, RouteGoal
from assessments.permissions import can_view_route
from assessments.services.routes.document import group_rows, route_document
from lms.i18n import local_today
from lms.users.models import TeacherProfile, User
from lms.users.permissions import has_permission, permission_required
from lms.web import download, get_or_404


@bp.route("/routes/<int:route_id>/document.<fmt>")
@permission_required("assessments.view")
def route_document_file(route_id: int, fmt: str):
    if fmt not in ("docx", "pdf"):
        abort(404)
    route = get_or_404(Route, route_id, can_view_route)
    doc = route_document(route, local_today())
    if fmt == "docx":
        from assessments.documents.route_docx import route_docx

        return download(route_docx(doc), f"iom-{route.id}.docx")
    from assessments.documents.route_pdf import route_pdf

    return download(route_pdf(doc), f"iom-{route.id}.pdf")


@bp.route("/groups/<int:group_id>/routes.xlsx")
@permission_required("assessments.routes")
def group_routes_xlsx(group_id: int):
    from assessments.documents.routes_xlsx import routes_xlsx
    from courses import api as courses_api
    from lms.extensions import db

    group = courses_api.get_group(group_id)
    if group is None:
        abort(404)
    if not (group.tutor_id == current_user.id or has_permission(current_user, "assessments.catalogue")):
        abort(403)
    members = courses_api.member_ids(group.id)
    routes = []
    for route in db.session.scalars(select(Route).where(Route.user_id.in_(members)).order_by(Route.created_at)
                                    .options(selectinload(Route.steps), selectinload(Route.tutor),
                                             selectinload(Route.user).selectinload(User.profile)
                                             .selectinload(TeacherProfile.school),
                                             selectinload(Route.goals).selectinload(RouteGoal.competency))):
        routes = [r for r in routes if r.user_id != route.user_id] + [route]  # the newest route per teacher
    routes.sort(key=lambda r: (r.user.last_name, r.user.first_name))
    return download(routes_xlsx(group.name, group_rows(routes, local_today())), f"routes-group-{group.id}.xlsx")
