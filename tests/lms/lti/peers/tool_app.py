"""An independent LTI 1.3 tool built on PyLTI1p3 (its own venv): validates our launch, posts a score via AGS.

Run as ``python tool_app.py``; prints ``PORT <n>`` once it listens on 127.0.0.1. The test configures it
with POST /configure (our issuer, its client id and deployment id, our URLs, its key pair) and reads what it
did from GET /received. Nothing here imports the project.
"""

import secrets

from flask import Flask, jsonify, request
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.grade import Grade
from pylti1p3.tool_config import ToolConfDict
from werkzeug.serving import make_server

app = Flask(__name__)
app.secret_key = secrets.token_hex(16)
# Cookies are not port-scoped: ours must not collide with the platform's on 127.0.0.1.
app.config["SESSION_COOKIE_NAME"] = "peer_tool_session"
STATE = {"config": None, "received": []}


def tool_conf() -> ToolConfDict:
    config = STATE["config"]
    conf = ToolConfDict({config["issuer"]: [{
        "default": True, "client_id": config["client_id"], "auth_login_url": config["auth_login_url"],
        "auth_token_url": config["auth_token_url"], "key_set_url": config["key_set_url"], "key_set": None,
        "deployment_ids": [config["deployment_id"]]}]})
    conf.set_private_key(config["issuer"], config["private_key"], client_id=config["client_id"])
    conf.set_public_key(config["issuer"], config["public_key"], client_id=config["client_id"])
    return conf


@app.post("/configure")
def configure():
    STATE["config"] = request.get_json()
    STATE["received"] = []
    return "", 204


@app.get("/received")
def received():
    return jsonify(STATE["received"])


@app.get("/jwks")
def jwks():
    return jsonify(tool_conf().get_jwks())


@app.route("/login", methods=["GET", "POST"])
def login():
    flask_request = FlaskRequest()
    oidc = FlaskOIDCLogin(flask_request, tool_conf())
    return oidc.redirect(flask_request.get_param("target_link_uri"))


@app.post("/launch")
def launch():
    message = FlaskMessageLaunch(FlaskRequest(), tool_conf())
    try:
        data = message.get_launch_data()  # validates: signature via our JWKS, iss, aud, nonce, state, deployment
    except Exception as exc:  # the test reads the reason
        STATE["received"].append({"error": f"{exc.__class__.__name__}: {exc}"})
        return jsonify(error=str(exc)), 400
    record = {"sub": data["sub"], "name": data.get("name"), "email": data.get("email"),
              "message_type": data["https://purl.imsglobal.org/spec/lti/claim/message_type"],
              "resource_link": data["https://purl.imsglobal.org/spec/lti/claim/resource_link"],
              "context": data["https://purl.imsglobal.org/spec/lti/claim/context"],
              "roles": data["https://purl.imsglobal.org/spec/lti/claim/roles"],
              "custom": data.get("https://purl.imsglobal.org/spec/lti/claim/custom"),
              "endpoint": data.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint")}
    score = STATE["config"].get("score", 100)
    if message.has_ags():
        grade = (Grade().set_score_given(score).set_score_maximum(100).set_user_id(data["sub"])
                 .set_timestamp("2026-12-02T10:00:00+00:00").set_activity_progress("Completed")
                 .set_grading_progress("FullyGraded"))
        message.get_ags().put_grade(grade)  # raises on a refusal
        record["put_grade"] = "sent"
    if message.has_nrps():
        record["members"] = [m["user_id"] for m in message.get_nrps().get_members()]
    STATE["received"].append(record)
    return jsonify(record)


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    server.serve_forever()
