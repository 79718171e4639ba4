"""Which client address a request comes from: X-Forwarded-For is believed only from the configured proxies.

Rate limits (sign-in, check-in codes) count per client address. Behind PROXY_COUNT reverse proxies the
address is the one the nearest of them wrote into X-Forwarded-For; a client reaching the app directly
could write that header itself and pick a new address for every guess. So the header is used only from
PROXY_TRUSTED_ADDRESSES (when set), and the app says so in its log, once, when requests do not arrive the
way the setting expects.
"""

from __future__ import annotations

import ipaddress
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, the peer's own address for the rest.

    :param count: PROXY_COUNT, how many proxies stand in front (0: none, the header is never used).
    :param trusted: PROXY_TRUSTED_ADDRESSES, addresses or networks the nearest proxy connects from;
        empty means any peer (the app must then be reachable only through the proxy).
    """

    def __init__(self, wsgi_app, count: int, trusted: list[str], logger: logging.Logger):
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=count, x_proto=count) if count else wsgi_app
        self.count = count
        self.networks = [ipaddress.ip_network(entry, strict=False) for entry in trusted]
        self.logger = logger
        self.warned: set[str] = set()

    def _trusted(self, peer: str) -> bool:
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def _warn_once(self, kind: str, message: str, *args) -> None:
        if kind not in self.warned:
            self.warned.add(kind)
            self.logger.warning(message, *args)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if not self.count:
            if forwarded:
                self._warn_once("ignored", "A request from %s carries X-Forwarded-For, but LMS_PROXY_COUNT is 0: the "
                                "header is ignored and rate limits count every client as %s. If a reverse proxy "
                                "is in front, set LMS_PROXY_COUNT to the number of proxies.", peer, peer)
            return self.plain(environ, start_response)
        if not self._trusted(peer):
            if forwarded:
                self._warn_once("untrusted", "X-Forwarded-For from %s, which is not in LMS_PROXY_TRUSTED_ADDRESSES, "
                                "is ignored: someone reaches the app without the proxy.", peer)
            return self.plain(environ, start_response)
        hops = [part for part in (forwarded or "").split(",") if part.strip()]
        if len(hops) < self.count:
            self._warn_once("missing", "A request from %s came with %d X-Forwarded-For address(es) although "
                            "LMS_PROXY_COUNT is %d: the app is reachable without the proxy, and there a client "
                            "could send the header itself and choose its address in the rate limits. Let only "
                            "the proxy reach the app, or set LMS_PROXY_TRUSTED_ADDRESSES.", peer, len(hops),
                            self.count)
        return self.fixed(environ, start_response)


def init_app(app: Flask) -> None:
    count = int(app.config["PROXY_COUNT"] or 0)
    trusted = app.config.get("PROXY_TRUSTED_ADDRESSES") or []
    if isinstance(trusted, str):  # LMS_PROXY_TRUSTED_ADDRESSES=127.0.0.1,10.0.0.0/8 rather than a JSON list
        trusted = trusted.replace(",", " ").split()
    trusted = [str(entry) for entry in trusted]
    try:
        middleware = TrustedProxies(app.wsgi_app, count, trusted, app.logger)
    except ValueError as exc:
        raise RuntimeError(f"LMS_PROXY_TRUSTED_ADDRESSES holds something that is no address: {exc}") from exc
    app.wsgi_app = middleware
    if count and not trusted:
        app.logger.warning("LMS_PROXY_COUNT=%d: the client address is read from X-Forwarded-For of any peer. If the "
                           "app can be reached without the proxy, a client can choose its address in the rate "
                           "limits: let only the proxy reach the app (bind to 127.0.0.1) or set "
                           "LMS_PROXY_TRUSTED_ADDRESSES.", count)
    elif count:
        app.logger.info("LMS_PROXY_COUNT=%d: X-Forwarded-For is read from %s only", count, ", ".join(trusted))
