"""Session loading, security headers and proxy trust."""

from __future__ import annotations

from flask import Flask, request

from lms import proxy
from lms.extensions import login_manager
from lms.i18n import _l
from lms.richtext import VIDEO_FRAME_HOSTS

#: No inline scripts or styles and nothing from other hosts: every asset is served by us; only the
#: video players of lms.richtext may be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    f"frame-src {' '.join(VIDEO_FRAME_HOSTS)}; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


@login_manager.user_loader
def load_user(token: str):
    from lms.auth.sessions import user_for_session

    return user_for_session(token)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    # X-Forwarded-For/-Proto from the configured proxies only; X-Forwarded-Host is never trusted: links in
    # e-mails are built on BASE_URL, never on a header.
    proxy.init_app(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            # Pages show personal data: never keep them in shared or browser caches.
            headers.setdefault("Cache-Control", "no-store")
        return response
