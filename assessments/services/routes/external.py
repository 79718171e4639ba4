"""External modules that are LTI links: launching one from the teacher's route step, and the tool's score
completing the step (through lms.signals, so the core knows nothing of routes)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from assessments.models import RouteStep
from assessments.services.routes.progress import OPEN_STEP, complete_steps
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.models import LtiTool
from lms.lti.platform.messages import Link, begin_launch
from lms.models.mixins import utcnow
from lms.users.models import User

KIND = "route_step"


def launchable(step: RouteStep) -> bool:
    activity = step.activity
    return (activity is not None and activity.kind == "external" and activity.lti_tool_id is not None
            and step.route.status == "active" and step.status in OPEN_STEP)


def launch(step: RouteStep, user: User) -> str:
    """The tool's login initiation address for the step's teacher.

    :raises ServiceError: someone other than the step's teacher, a step that is not open, or a tool that is
        switched off.
    """
    if step.route.user_id != user.id:
        raise ServiceError(_("Only the teacher whose route this is can open its external module."))
    if not launchable(step):
        raise ServiceError(_("This step cannot be opened: it is not an open external module of an active route."))
    activity = step.activity
    tool = db.session.get(LtiTool, activity.lti_tool_id)
    if tool is None or not tool.active:
        # Staff switched the tool off (or removed it): the teacher is told, the log says which step and tool.
        current_app.logger.warning("LTI platform: launch of route step %s refused: tool %s is %s", step.id,
                                   activity.lti_tool_id, "gone" if tool is None else "deactivated")
        raise ServiceError(_("The external tool of this step is switched off. Tell your tutor."))
    group = step.slot if step.slot and step.slot.startswith("group:") else None
    context_id = group or f"route:{step.route_id}"
    target = activity.lti_target_link_uri or tool.target_link_uri or tool.login_url
    return begin_launch(tool, user, Link(
        kind=KIND, ref=step.id, label=step.title, target_link_uri=target,
        context_id=context_id, context_title=_("Individual route of %(name)s", name=user.full_name),
        pass_mark=activity.lti_pass_percent / 100, custom=dict(activity.lti_custom or {})))


def on_lti_score_received(sender, user, resource, score, completed, **extra) -> None:
    """A passing score of the step's own tool completes the step, with the score as its evidence."""
    kind, ref = resource
    if kind != KIND or not completed:
        return
    step = db.session.scalar(select(RouteStep).where(RouteStep.id == ref))
    if step is None or step.route.user_id != user.id or not launchable(step):
        return
    tool = extra.get("tool")
    complete_steps([step], _("Score %(score)s %% from the external tool %(tool)s", score=round(score * 100),
                             tool=tool.name if tool else ""), utcnow())


def group_roster(context_id: str) -> list[User]:
    """The members of the teacher's group, read through courses.api."""
    from courses import api as courses_api

    try:
        group_id = int(context_id.split(":", 1)[1])
    except (IndexError, ValueError):
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(courses_api.member_ids(group_id)))
                                   .order_by(User.last_name, User.first_name, User.id)))
