"""Certificates: a teacher's list and PDFs, and the public page that confirms a certificate by its code."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses.blueprint import bp
from courses.certificates import certificate_pdf
from courses.models import Certificate
from lms.extensions import db
from lms.i18n import _, format_date
from lms.mail import absolute_url
from lms.users.permissions import has_permission, permission_required
from lms.web import download, get_or_404, paginate


def _may_see(user, certificate) -> bool:
    return certificate.user_id == user.id or has_permission(user, "courses.manage_groups")


@bp.route("/certificates/")
@permission_required("courses.view")
def certificates():
    stmt = select(Certificate).options(joinedload(Certificate.programme)).order_by(Certificate.issued_at.desc())
    everyone = has_permission(current_user, "courses.manage_groups")
    if not everyone:
        stmt = stmt.where(Certificate.user_id == current_user.id)
    return render_template("courses/certificates/index.html", page=paginate(stmt), everyone=everyone)


@bp.route("/certificates/<int:certificate_id>.pdf")
@permission_required("courses.view")
def certificate_file(certificate_id: int):
    item = get_or_404(Certificate, certificate_id, _may_see)
    pdf = certificate_pdf(
        title=_("CERTIFICATE"), holder=item.holder_name,
        statement=_("of continuing professional development: this is to certify that"),
        programme=_("completed the programme «%(title)s»", title=item.programme_title),
        details=[_("%(hours)d academic hours", hours=item.hours),
                 _("from %(start)s to %(end)s", start=format_date(item.started_on), end=format_date(item.finished_on))],
        number_line=_("Registration number %(number)s, issued %(date)s", number=item.number,
                      date=format_date(item.issued_at)),
        verify_line=_("Check this certificate by its QR code or at"),
        verify_url=absolute_url("courses.verify_certificate", code=item.code))
    return download(pdf, f"certificate-{item.number}.pdf")


@bp.route("/verify/<code>")
def verify_certificate(code: str):
    """Public: anyone holding the certificate (an employer, an attestation commission) can check it."""
    item = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if item is None:
        return render_template("courses/certificates/verify.html", item=None), 404
    return render_template("courses/certificates/verify.html", item=item)
