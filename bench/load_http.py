"""What a load client sends and reads: the site as nginx presents it, the forms' patterns, a browser, the timings.

``Browser`` is a cookie jar with the headers nginx passes on; ``Stats`` keeps the timings and every error by kind
for bench/diagnostic_load.py's clients (bench/load_client.py) and bench/answer_cost.py.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import Counter
from pathlib import Path

import requests

PASSWORD = "bench-password"
THINK = (2.0, 8.0)  # seconds a teacher reads an item before answering, uniform (--think scales, --reading sets it)
DOUBLE_SHARE = 0.05  # answers sent twice; half of them both at once
TIMEOUT = (10, 120)  # connect, read: a queue of 200 sign-ins must not look like a failure
MAX_RELOADS = 20  # error pages a teacher sits through before giving up
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ITEM_RE = re.compile(r'name="item_id" value="(\d+)"')
#: The option inputs; their other attributes (id, required) may stand between type and name.
OPTION_RE = re.compile(r'type="(radio|checkbox)"[^>]*? name="option" value="(\d+)"')
START_RE = re.compile(r'action="(/assessments/diagnostics/(\d+)/start)"')
CONTINUE_RE = re.compile(r'href="/assessments/attempts/(\d+)"')
FLASH_ERROR_RE = re.compile(r'class="flash flash-error"[^>]*>([^<]*)<')
LOG_LINE_RE = re.compile(r"\[\d{4}-\d\d-\d\d |\d+\.\d+\.\d+\.\d+ - ")  # gunicorn's or Flask's log, the access log
ROOT = Path(__file__).resolve().parents[1]
ID_RE = re.compile(r"\d+")  # errors are counted per kind of address: /assessments/attempts/N/answer
PUBLIC_HOST = "metodist.bench.example"  # what nginx passes on as Host to every node: cookies and CSRF see one site


class Stats:
    """Timings and counters every client thread adds to, under one lock."""

    KINDS = ("answer", "answer_self", "answer_adaptive", "next", "login", "start", "result")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {kind: [] for kind in self.KINDS}
        self.errors: Counter = Counter()
        self.events: Counter = Counter()

    def time(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.timings[kind].append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1

    def event(self, kind: str) -> None:
        with self.lock:
            self.events[kind] += 1


def percentile_ms(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return round(values[0] * 1000, 1) if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


class Failed(Exception):
    """A reply a browser would show as an error (or none at all): the teacher waits and reloads."""


class Browser(requests.Session):
    """A cookie jar and the headers nginx passes on: the public host, the teacher's address, https, and the page's
    origin (Flask-WTF checks the Referer of https requests against the host). One connection per request, as nginx
    talks to gunicorn by default. The same host whichever node serves a request: no sticky sessions."""

    def __init__(self, base: str, address: str) -> None:
        super().__init__()
        self.headers.update({"Connection": "close", "Host": PUBLIC_HOST, "X-Forwarded-For": address,
                             "X-Forwarded-Proto": "https", "Referer": f"https://{PUBLIC_HOST}/"})

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        for cookie in self.cookies:  # nginx terminates TLS: to the browser the site is https, Secure cookies go back
            cookie.secure = False
        return super().prepare_request(request)
