"""A small LTI 1.3 platform for the tests, built on `lti1p3platform` (PyPI) and run in its own venv.

It is the HTTP glue only: the OIDC login initiation, the authentication response (the signed id_token),
the access-token endpoint, a line item's score endpoint and the deep-linking return, all done by
lti1p3platform. Standard library HTTP server; nothing from the project is imported.
Start: ``python platform_app.py`` prints ``PORT <n>`` once listening. Configure with POST /configure (JSON).
"""

import base64
import json
import sys
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.response import generate_next_link
from lti1p3platform.service_connector import NamesRoleProvisioningService

STATE = {"config": None, "scores": [], "deep_link_items": [], "token_requests": 0, "lock": threading.Lock()}
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


class Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        c = STATE["config"]
        self._registration = (
            Registration().set_iss(c["issuer"]).set_client_id(c["client_id"]).set_deployment_id(c["deployment_id"])
            .set_launch_url(c["tool"] + "/lti/launch").set_deeplink_launch_url(c["tool"] + "/lti/launch")
            .set_oidc_login_url(c["tool"] + "/lti/login").set_tool_key_set_url(c["tool"] + "/lti/jwks")
            .set_platform_public_key(c["public_key"]).set_platform_private_key(c["private_key"]))

    def get_registration_by_params(self, **kwargs):
        return self._registration


class DictRequest(Request):
    def build_metadata(self, request):
        return request


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = base64.urlsafe_b64encode(json.dumps(kwargs).encode()).decode()

    def get_redirect(self, url):
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def prepare_launch(self, preflight_response, **kwargs):
        hint = json.loads(base64.urlsafe_b64decode(preflight_response["lti_message_hint"].encode()))
        c, base = STATE["config"], STATE["config"]["issuer"]
        lis = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
        self.set_user_data(preflight_response["login_hint"], [lis + r for r in hint.get("roles", ["Learner"])],
                           full_name=hint.get("name"), email_address=hint.get("email"))
        self.set_launch_context_claim("course-1", context_title="Курс платформы")
        if hint.get("deep"):
            self.set_dl(base + "/deep-link-return", title="Pick", accept_types={"ltiResourceLink"})
        else:
            link = hint.get("link", "link-1")
            self.set_resource_link_claim(link, title="Ссылка")
            self.set_custom_parameters_claim({"resource": hint["resource"]})
            self.set_ags(lineitems_url=base + "/lineitems", lineitem_url=f"{base}/lineitems/{link}",
                         allow_creating_lineitems=False)
            self.set_nrps(base + "/memberships")
        if c.get("given_name"):
            self.set_extra_claims({"given_name": c["given_name"], "family_name": c["family_name"]})

    def render_launch_form(self, launch_data, **kwargs):
        action, token, state = (escape(launch_data[k]) for k in ("launch_url", "id_token", "state"))
        return (f'<form method="post" action="{action}"><input name="id_token" value="{token}">'
                f'<input name="state" value="{state}"></form>')


class Roster(NamesRoleProvisioningService):
    """The course's members (from /configure), in pages of ``limit``."""

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **kwargs):
        members = STATE["config"].get("members", [])
        if not limit:
            return {"content": members, "has_next": False}
        start = (page - 1) * limit
        return {"content": members[start:start + limit], "has_next": start + limit < len(members)}

    def get_context_by_id(self):
        return Context(id="course-1", label="C1", title="Курс платформы")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, code, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _form(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(raw or "{}")
        return dict(parse_qsl(raw))

    def do_GET(self):
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        if url.path == "/jwks":
            c = STATE["config"]
            keys = [Registration.get_jwk(pem) for pem in [c["public_key"], *c.get("old_public_keys", [])]]
            return self._send(200, {"keys": keys})
        if url.path == "/start":  # a signed-in user of the platform clicks the link
            login = Login(DictRequest({"get_data": query, "form_data": {}}), Platform())
            login.set_lti_message_hint(**json.loads(query["hint"]))
            return self._send(302, b"", headers=[("Location", login.initiate_login(query["user"]))])
        if url.path == "/authorize":  # the tool's OIDC authentication request
            launch = Launch(DictRequest({"get_data": query, "form_data": {}}), Platform())
            return self._send(200, launch.lti_launch(), "text/html; charset=utf-8")
        if url.path == "/memberships":
            params = {k: int(v) if k in ("page", "limit") else v for k, v in query.items()}
            request = DictRequest({"get_data": params, "headers": dict(self.headers), "method": "GET"})
            response = Roster(request, Platform(), STATE["config"]["issuer"] + "/memberships").handle_get_members()
            if response.code != 200:
                return self._send(response.code, {"error": response.message})
            links = [("Link", generate_next_link(response.result["next"]))] if response.result.get("next") else []
            return self._send(200, response.result, response.media_type, links)
        if url.path == "/received":
            return self._send(200, {"scores": STATE["scores"], "deep_link_items": STATE["deep_link_items"],
                                    "token_requests": STATE["token_requests"]})
        return self._send(404, {"error": "not found"})

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path == "/configure":
            STATE.update(config=self._form(), scores=[], deep_link_items=[], token_requests=0)
            return self._send(200, {"ok": True})
        platform = Platform()
        if url.path == "/token":
            STATE["token_requests"] += 1
            try:
                return self._send(200, platform.get_access_token(self._form()))
            except Exception as exc:  # the tool sees the platform's refusal as a 400
                return self._send(400, {"error": "invalid_client", "error_description": str(exc)})
        if url.path.startswith("/lineitems/") and url.path.endswith("/scores"):
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            try:
                allowed = platform.validate_token(token, allowed_scopes=[SCORE_SCOPE])
            except Exception as exc:
                return self._send(401, {"error": str(exc)})
            if not allowed:
                return self._send(403, {"error": "scope"})
            if STATE["config"].get("fail_scores"):
                STATE["config"]["fail_scores"] -= 1
                return self._send(503, {"error": "busy, try later"})
            with STATE["lock"]:
                STATE["scores"].append({"lineitem": url.path.rsplit("/", 1)[0], **self._form()})
            return self._send(200, {})
        if url.path == "/deep-link-return":
            try:
                items = platform.validate_deeplinking_resp(self._form())
            except Exception as exc:
                return self._send(400, {"error": str(exc)})
            STATE["deep_link_items"].extend(items)
            return self._send(200, "<p>Added</p>", "text/html; charset=utf-8")
        return self._send(404, {"error": "not found"})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT", server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
