"""`flask lti …`: register platforms, deployments and external tools, rotate and retire our signing keys."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.lti import keys, services
from lms.lti.models import LtiKey, LtiPlatform

lti_cli = AppGroup("lti", help="LTI 1.3: platforms that launch our content, and our signing keys.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@lti_cli.command("add-platform")
@click.option("--name", required=True)
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. https://moodle.example.ru")
@click.option("--client-id", required=True, help="The client id the platform gave our tool.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC authentication request URL.")
@click.option("--token-url", required=True, help="The platform's OAuth2 access token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--audience", default=None, help="The token URL's audience, when the platform wants another.")
@click.option("--deployment", "deployments", multiple=True, help="A deployment id; repeat for several.")
def add_platform_command(name, issuer, client_id, auth_login_url, token_url, jwks_url, audience, deployments):
    """Register a platform that will launch our content."""
    try:
        platform = services.add_platform(services.PlatformData(
            name=name, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url, auth_token_url=token_url,
            jwks_url=jwks_url, auth_audience=audience), list(deployments))
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Registered platform {platform.id}: {platform.name} ({len(platform.deployments)} deployment(s))")


@lti_cli.command("add-deployment")
@click.argument("platform_id", type=int)
@click.argument("deployment_id")
def add_deployment_command(platform_id: int, deployment_id: str):
    """Add a deployment id to a platform (a course copy on the platform makes a new one)."""
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None:
        _fail(f"No platform {platform_id}")
    try:
        services.add_deployment(platform, deployment_id)
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Platform {platform.id} now has {len(platform.deployments)} deployment(s)")


@lti_cli.command("list")
def list_command():
    """Our URLs to give platforms, the registered platforms and our keys (never a private key)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Login initiation: {base}/lti/login")
    click.echo(f"Launch / redirect: {base}/lti/launch")
    click.echo(f"Public keyset (JWKS): {base}/lti/jwks")
    for platform in db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.id)):
        state = "active" if platform.active else "inactive"
        click.echo(f"[{platform.id}] {platform.name} ({state}) iss={platform.issuer} client_id={platform.client_id}")
        for deployment in platform.deployments:
            click.echo(f"    deployment {deployment.deployment_id}{'' if deployment.active else ' (inactive)'}")
    for key in db.session.scalars(select(LtiKey).order_by(LtiKey.id)):
        state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "active"
        click.echo(f"key {key.kid} created {key.created_at:%Y-%m-%d %H:%M} {state}")


@lti_cli.command("rotate-key")
def rotate_key_command():
    """Add a new signing key; older keys stay in the JWKS until retired, so no launch breaks meanwhile."""
    key = keys.create_key()
    db.session.commit()
    click.echo(f"New signing key {key.kid}. Retire the old one (retire-key) once platforms have refetched our JWKS.")


@lti_cli.command("retire-key")
@click.argument("kid")
def retire_key_command(kid: str):
    """Take a key out of the JWKS."""
    try:
        keys.retire_key(kid)
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Retired key {kid}")


@lti_cli.command("add-tool")
@click.option("--name", required=True)
@click.option("--login-url", required=True, help="The tool's OIDC login initiation URL.")
@click.option("--redirect-url", "redirect_urls", multiple=True, required=True,
              help="A launch (redirect) URL of the tool; repeat for several.")
@click.option("--jwks-url", default=None, help="The tool's public keyset URL (or give --public-key-file).")
@click.option("--public-key-file", type=click.File("r"), default=None, help="The tool's PEM public key.")
@click.option("--client-id", default=None, help="The client id we issue (made up when not given).")
@click.option("--deployment-id", default=None, help="The deployment id we assign (made up when not given).")
def add_tool_command(name, login_url, redirect_urls, jwks_url, public_key_file, client_id, deployment_id):
    """Register an external tool our route catalogue can launch."""
    from lms.lti.platform import tools

    try:
        tool = tools.add_tool(tools.ToolData(
            name=name, login_url=login_url, redirect_urls=list(redirect_urls), jwks_url=jwks_url,
            public_key=public_key_file.read() if public_key_file else None, client_id=client_id,
            deployment_id=deployment_id))
    except ServiceError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(f"Registered tool {tool.id}: {tool.name}; client id {tool.client_id}, "
               f"deployment id {tool.deployment_id}")
