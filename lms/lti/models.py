"""LTI 1.3 tables: platforms we are registered with, our signing keys, launched identities, the shared store."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.users.models import User


class LtiPlatform(VersionedMixin, TimestampMixin, db.Model):
    """A platform (Moodle, Canvas, Open edX …) that launches our content: one (issuer, client id) pair."""

    __tablename__ = "lms_lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    jwks_url: Mapped[str] = mapped_column(String(500))
    #: The ``aud`` of our client assertion at the token URL when the platform wants other than that URL.
    auth_audience: Mapped[Optional[str]] = mapped_column(String(500))
    #: An inactive platform's launches are refused; its history stays.
    active: Mapped[bool] = mapped_column(default=True)

    deployments: Mapped[list[LtiDeployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="LtiDeployment.id")

    def __str__(self) -> str:
        return self.name


class LtiDeployment(db.Model):
    """A deployment id of a platform; course copies make new ones, so a platform has several."""

    __tablename__ = "lms_lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lms_lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LtiPlatform] = relationship(back_populates="deployments")


class LtiKey(db.Model):
    """One of our RSA signing keys. The newest active key signs; every active one is in our JWKS.

    The private key is kept here, out of git; it is never rendered on a page or written to a log.
    """

    __tablename__ = "lms_lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when retired: the key leaves the JWKS and signs nothing more.
    retired_at: Mapped[Optional[datetime]]

    def __repr__(self) -> str:  # never the private key
        return f"<LtiKey {self.kid}>"


class LtiIdentity(db.Model):
    """Who a platform's user is here: matched by (issuer, subject), never by e-mail."""

    __tablename__ = "lms_lti_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_lti_platform.id", ondelete="SET NULL"),
                                                       index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class LtiLaunch(db.Model):
    """A user's launch of one of our resources, with the gradebook line item scores go back to."""

    __tablename__ = "lms_lti_launch"
    __table_args__ = (Index("ix_lms_lti_launch_resource", "user_id", "resource_kind", "resource_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lms_lti_platform.id", ondelete="CASCADE"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    #: Kind registered by a plugin (``programme``, ``diagnostic`` …) and the item's id in it.
    resource_kind: Mapped[str] = mapped_column(String(40))
    resource_ref: Mapped[int]
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[Optional[str]] = mapped_column(String(255))
    #: The AGS line item of this link, and the scopes the platform granted (space-separated).
    lineitem_url: Mapped[Optional[str]] = mapped_column(String(1000))
    lineitems_url: Mapped[Optional[str]] = mapped_column(String(1000))
    ags_scopes: Mapped[str] = mapped_column(String(1000), default="")
    #: The NRPS roster of the launch's context, when the platform offers it.
    memberships_url: Mapped[Optional[str]] = mapped_column(String(1000))
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()
    user: Mapped[User] = relationship()


class LtiStoreEntry(db.Model):
    """The shared short-lived store (state, nonces, launch data) when there is no Redis."""

    __tablename__ = "lms_lti_store"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiPassback(db.Model):
    """One score sent (or being sent) to a platform's line item, with what the platform answered."""

    __tablename__ = "lms_lti_passback"
    __table_args__ = (CheckConstraint("status IN ('pending', 'retrying', 'sent', 'failed')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(ForeignKey("lms_lti_launch.id", ondelete="CASCADE"), index=True)
    #: 0..1 of the line item's scoreMaximum.
    score: Mapped[float]
    comment: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: The platform's answer to the last attempt (status and body, cut), or why it could not be reached.
    last_answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[Optional[datetime]]

    launch: Mapped[LtiLaunch] = relationship()


class LtiTool(VersionedMixin, TimestampMixin, db.Model):
    """An external tool we launch as a platform: the client id and deployment id are ours to assign."""

    __tablename__ = "lms_lti_tool"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    client_id: Mapped[str] = mapped_column(String(255), unique=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    #: The tool's OIDC login initiation URL; launches start there.
    login_url: Mapped[str] = mapped_column(String(500))
    #: Where our id_token may be posted: the tool's launch/redirect URLs, one per line.
    redirect_urls: Mapped[str] = mapped_column(Text)
    #: The tool's keys for its client assertions: a JWKS URL or one PEM public key.
    jwks_url: Mapped[Optional[str]] = mapped_column(String(500))
    public_key: Mapped[Optional[str]] = mapped_column(Text)
    #: The address a launch opens when the activity names none (a tool's Dynamic Registration declares it).
    target_link_uri: Mapped[Optional[str]] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def redirect_list(self) -> list[str]:
        return [line.strip() for line in self.redirect_urls.splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.name


class LtiToolLineItem(db.Model):
    """The gradebook column of one launched link (a plugin's resource, e.g. a route step) for its learner."""

    __tablename__ = "lms_lti_tool_line_item"
    __table_args__ = (UniqueConstraint("tool_id", "resource_kind", "resource_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("lms_lti_tool.id", ondelete="CASCADE"), index=True)
    resource_kind: Mapped[str] = mapped_column(String(40))
    resource_ref: Mapped[int]
    #: The one person whose scores count on it (a route step has one teacher).
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    score_maximum: Mapped[float] = mapped_column(default=100.0)
    #: The share of the maximum (0..1) at which the plugin counts the link as done.
    pass_mark: Mapped[float] = mapped_column(default=1.0)
    #: The context the launch gave (``route:12``, ``group:3``), for the roster.
    context_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tool: Mapped[LtiTool] = relationship()
    user: Mapped[User] = relationship()

    @property
    def resource_link_id(self) -> str:
        return f"{self.resource_kind}-{self.resource_ref}"


class LtiToolResult(db.Model):
    """A score a tool posted to one of our line items (the latest one per user is the result)."""

    __tablename__ = "lms_lti_tool_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_item_id: Mapped[int] = mapped_column(ForeignKey("lms_lti_tool_line_item.id", ondelete="CASCADE"),
                                              index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    score_given: Mapped[Optional[float]]
    score_maximum: Mapped[Optional[float]]
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(String(1000), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
