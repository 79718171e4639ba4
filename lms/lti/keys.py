"""Our RSA signing keys: the newest active one signs, every active one is published in our JWKS."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.lti.models import LtiKey
from lms.models.mixins import utcnow


def _public_jwk(public_pem: str, kid: str) -> dict:
    jwk = json.loads(JWK.from_pem(public_pem.encode()).export_public())
    jwk.update(kid=kid, alg="RS256", use="sig")
    return jwk


def create_key() -> LtiKey:
    """A new 2048-bit key; it signs from now on, and the older ones stay published until retired."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    # The RFC 7638 thumbprint: stable, and says nothing about when or where the key was made.
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    key = LtiKey(kid=kid, private_pem=private_pem, public_pem=public_pem)
    db.session.add(key)
    db.session.flush()
    return key


def active_keys(session=None) -> list[LtiKey]:
    session = session or db.session
    return list(session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id)))


def signing_key(session=None) -> LtiKey:
    """The newest active key (read through ``session``: background jobs have their own).

    :raises ServiceError: there is none (``flask lti rotate-key`` makes one).
    """
    keys = active_keys(session)
    if not keys:
        raise ServiceError(_("The service has no LTI signing key yet. Staff create one with "
                             "\"flask lti rotate-key\"."))
    return keys[-1]


def jwks() -> dict:
    """Every active public key, for platforms checking what we signed."""
    return {"keys": [_public_jwk(key.public_pem, key.kid) for key in active_keys()]}


def retire_key(kid: str) -> LtiKey:
    """Take a key out of the JWKS; refused for the last active key (nothing could be signed)."""
    key = db.session.scalar(select(LtiKey).where(LtiKey.kid == kid))
    if key is None or key.retired_at is not None:
        raise ServiceError(_("No active key with this id."))
    if len(active_keys()) == 1:
        raise ServiceError(_("This is the only active key: add a new one first (rotate-key)."))
    key.retired_at = utcnow()
    db.session.flush()
    return key
