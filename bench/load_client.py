"""The teachers of bench/diagnostic_load.py: each a thread answering a diagnostic over HTTP as a browser would.

Each ``Teacher`` has its own cookies and client address and talks to gunicorn (bench/load_servers.py) as a browser
behind nginx would: it signs in, opens «Diagnostics», presses «Start» and answers the item on screen after a pause
to read it, until the results page. Some answers are sent twice (a double click: both requests at once, or a form
sent again after the reply), and some teachers lose the connection in the middle of an answer together with their
session, sign in again and press «Continue». Every answer the client saw accepted is kept (``accepted``) for the
integrity check.
"""

from __future__ import annotations

import math
import random
import threading
import time
from urllib.parse import urlsplit

import requests
from load_http import (
    CONTINUE_RE,
    CSRF_RE,
    DOUBLE_SHARE,
    FLASH_ERROR_RE,
    ID_RE,
    ITEM_RE,
    MAX_RELOADS,
    OPTION_RE,
    PASSWORD,
    START_RE,
    TIMEOUT,
    Browser,
    Failed,
    Stats,
)


class Teacher(threading.Thread):
    def __init__(self, n: int, bases: list[str], plan: dict, stats: Stats, start: threading.Barrier, seed: float,
                 reading: tuple[float, float], drop: bool, delay: float = 0.0) -> None:
        super().__init__(name=f"teacher-{n + 1}", daemon=True)
        self.user_id, self.email = n + 1, plan["emails"][n]
        self.plan, self.stats, self.start_gate, self.reading = plan, stats, start, reading
        self.bases, self.delay = list(bases), delay  # the nodes behind the balancer; seconds before signing in
        self.balancer = random.Random(seed * 7919)  # which node gets each request: apart from the answers' draws
        self.address = f"10.{n // 250 % 250}.{n % 250}.{1 + n // 62500}"
        self.rng = rng = random.Random(seed)
        rho = plan["correlation"]
        general = rng.gauss(0, 1)
        self.theta = {c: math.sqrt(rho) * general + math.sqrt(1 - rho) * rng.gauss(0, 1)
                      for c in plan["competencies"]}
        # The answer (counted from 0) whose connection drops: never the last. An attempt may end on its
        # min_answers-th answer (index min_answers - 1), so the drop comes before that one.
        self.drop_at = rng.randrange(1, max(2, plan["min_answers"] - 1)) if drop else None
        self.session = Browser(self.node(), self.address)
        self.attempt_id: int | None = None
        self.sent: dict[int, list[int]] = {}  # item id → the options chosen, sent again unchanged
        self.accepted: dict[int, list[int]] = {}  # item id → options, for every answer the client saw saved
        self.answered = self.reloads = 0
        self.finished = False
        self.failure: str | None = None

    # --- HTTP ----------------------------------------------------------------------------------

    def node(self) -> str:
        """The node the balancer sends the next request to: any of them, at random."""
        return self.bases[0] if len(self.bases) == 1 else self.balancer.choice(self.bases)

    def request(self, method: str, path: str, session: requests.Session | None = None, **kwargs) -> requests.Response:
        """One request, redirects not followed; a reply ≥ 400 or no reply is counted by kind and raises Failed."""
        nodes = [self.node(), *(base for base in self.bases)]
        try:
            for n, base in enumerate(nodes):
                try:
                    response = (session or self.session).request(method, base + path, allow_redirects=False,
                                                                 timeout=TIMEOUT, **kwargs)
                    break
                except requests.ConnectionError as exc:
                    # Refused before a byte was sent: the balancer tries another node, as nginx's
                    # proxy_next_upstream does (even for a POST: it never reached the app).
                    if "refused" not in str(exc) or n == len(nodes) - 1:
                        raise
                    self.stats.event("sent_to_another_node")
        except requests.RequestException as exc:
            self.stats.error(f"{method} {ID_RE.sub('N', path)} {type(exc).__name__}")
            raise Failed(type(exc).__name__) from exc
        if response.status_code >= 400:
            self.stats.error(f"{method} {ID_RE.sub('N', path)} {response.status_code}")
            raise Failed(f"{method} {path}: {response.status_code}")
        return response

    @staticmethod
    def location(response: requests.Response) -> str:
        parts = urlsplit(response.headers["Location"])
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def follow(self, response: requests.Response) -> tuple[requests.Response, bool]:
        """Follow redirects as a browser does; True when they end on the results page."""
        for _hop in range(4):
            if response.status_code != 302:
                return response, False
            path = self.location(response)
            started = time.perf_counter()
            response = self.request("GET", path)
            if path.endswith("/result") and response.status_code == 200:
                self.stats.time("result", time.perf_counter() - started)
                return response, True
        raise Failed("too many redirects")

    # --- what a teacher does -------------------------------------------------------------------

    def sign_in(self) -> None:
        token = CSRF_RE.search(self.request("GET", "/auth/login").text).group(1)
        started = time.perf_counter()
        response = self.request("POST", "/auth/login", data={"email": self.email, "password": PASSWORD,
                                                            "csrf_token": token})
        self.stats.time("login", time.perf_counter() - started)
        if response.status_code != 302:
            self.stats.error("sign-in refused")
            raise Failed("sign-in refused")
        self.follow(response)  # the dashboard, where a browser lands

    def open_attempt(self) -> requests.Response:
        """«Diagnostics», then «Continue» or «Start»; the reply to the attempt page's GET."""
        home = self.request("GET", "/assessments/").text
        resumed = CONTINUE_RE.search(home)
        if resumed:
            attempt_id = int(resumed.group(1))
        elif self.attempt_id is not None:
            # Nothing to continue, yet this teacher has begun: the attempt ended (its page shows the results).
            # A teacher whose results are on the page does not start the diagnostic again.
            self.stats.event("resumed_on_finished_attempt")
            return self.request("GET", f"/assessments/attempts/{self.attempt_id}")
        else:
            match = START_RE.search(home)
            if match is None or int(match.group(2)) != self.plan["diagnostic_id"]:
                self.stats.error("diagnostic not offered")
                raise Failed("the diagnostic is not offered")
            started = time.perf_counter()
            response = self.request("POST", match.group(1), data={"csrf_token": CSRF_RE.search(home).group(1)})
            self.stats.time("start", time.perf_counter() - started)
            attempt_id = int(self.location(response).rstrip("/").rsplit("/", 1)[-1])
        if self.attempt_id not in (None, attempt_id):
            self.stats.error("resumed on another attempt")
        self.attempt_id = attempt_id
        return self.request("GET", f"/assessments/attempts/{attempt_id}")

    def run(self) -> None:
        try:
            self.start_gate.wait()
            time.sleep(self.delay)
            self.take()
        except Exception as exc:  # noqa: BLE001 — counted and reported, never lost in a thread
            self.failure = f"{type(exc).__name__}: {exc}"
            self.stats.error(f"teacher gave up ({type(exc).__name__})")

    def begin(self) -> requests.Response:
        """Sign in and open the attempt; on an error page (a node or the database away) wait and try again."""
        for _ in range(MAX_RELOADS):
            try:
                self.sign_in()
                return self.open_attempt()
            except Failed:
                time.sleep(1)
                self.session.cookies.clear()
        raise Failed(f"{MAX_RELOADS} error pages before the first item")

    def take(self) -> None:
        page, done = self.begin(), False
        while True:
            pending = None  # the item whose answer is on its way: an error page does not say it was not saved
            try:
                if not done:
                    page, done = self.follow(page)
                if done:
                    self.finished = True
                    return
                item, options = ITEM_RE.search(page.text), OPTION_RE.findall(page.text)
                if item is None or not options:
                    self.stats.error("page without an item")
                    raise Failed("no item on the attempt page")
                item_id = int(item.group(1))
                form = {"csrf_token": CSRF_RE.search(page.text).group(1), "item_id": str(item_id),
                        "option": [str(i) for i in self.choose(item_id, len(options))]}
                time.sleep(self.rng.uniform(*self.reading))
                pending = item_id
                if self.answered == self.drop_at:
                    page, done = self.drop_and_resume(form, item_id), False
                else:
                    page, done = self.answer(form, item_id)
                self.answered += 1
            except Failed:  # an error page: wait a moment and reload the attempt
                page, done = self.reload(), False
                if pending is not None and pending not in self.accepted:
                    shown = ITEM_RE.search(page.text) if page.status_code == 200 else None
                    # The server has moved on (another item, or the results): the answer was saved.
                    if ((shown and int(shown.group(1)) != pending)
                            or (page.status_code == 302 and self.location(page).endswith("/result"))):
                        self.accepted[pending] = self.sent[pending]
                        self.stats.event("saved_behind_an_error")

    def answer(self, form: dict, item_id: int) -> tuple[requests.Response, bool]:
        """Send the answer (maybe twice), GET the page it redirects to and record the answer if no error is shown
        there; the page and whether it is the results page."""
        path = f"/assessments/attempts/{self.attempt_id}/answer"
        double = self.rng.random() < DOUBLE_SHARE
        started = time.perf_counter()
        if double and self.rng.random() < 0.5:
            responses = self.post_twice_at_once(path, form)
            self.stats.event("double_submits_parallel")
        elif double:
            responses = [self.request("POST", path, data=form), self.request("POST", path, data=form)]
            self.stats.event("double_submits_sequential")
        else:
            responses = [self.request("POST", path, data=form)]
        posted = time.perf_counter()
        if any(r.status_code != 302 for r in responses):
            self.stats.error("answer not redirected")
            raise Failed("the answer was not redirected")
        page = self.request("GET", self.location(responses[-1]))
        if not double:  # one request each: a double submit's two would blur the figure
            kind = "answer_self" if self.plan["items"][item_id]["type"] == "self_assessment" else "answer_adaptive"
            for name in ("answer", kind):
                self.stats.time(name, posted - started)
            self.stats.time("next", time.perf_counter() - posted)
        page, done = self.follow(page)
        refused = FLASH_ERROR_RE.search(page.text)
        if refused:
            self.stats.error(f"answer refused: {refused.group(1).strip()}")
        else:
            self.accepted[item_id] = self.sent[item_id]
        return page, done

    def post_twice_at_once(self, path: str, form: dict) -> list[requests.Response]:
        twin = Browser(self.node(), self.address)
        twin.cookies.update(self.session.cookies)
        gate, responses, failures = threading.Barrier(2), [None, None], []

        def send(slot: int, session: requests.Session) -> None:
            gate.wait()
            try:
                responses[slot] = self.request("POST", path, session=session, data=form)
            except Failed as exc:
                failures.append(exc)

        other = threading.Thread(target=send, args=(1, twin))
        other.start()
        send(0, self.session)
        other.join()
        if failures:
            raise failures[0]
        return responses

    def drop_and_resume(self, form: dict, item_id: int) -> requests.Response:
        """The answer leaves, the connection drops before the reply and the session is gone with it (another
        device, cleared cookies): sign in again, «Continue», and the item on screen tells whether it was saved."""
        try:
            self.session.post(f"{self.node()}/assessments/attempts/{self.attempt_id}/answer", data=form,
                              allow_redirects=False, timeout=(10, 0.001))
            self.stats.event("drops_replied_in_time")  # replied within a millisecond: resumed all the same
        except requests.RequestException:
            pass
        self.session.close()
        self.session = Browser(self.node(), self.address)
        page = self.begin()  # as at the start: an error page (the database away) is waited out and tried again
        self.stats.event("resumed_teachers")
        shown = ITEM_RE.search(page.text)
        if page.status_code == 302 or (shown and int(shown.group(1)) != item_id):
            self.accepted[item_id] = self.sent[item_id]  # saved: the server has moved on
            self.stats.event("resumed_after_saved_answer")
        else:
            self.stats.event("resumed_on_same_item")  # not saved yet, or still in flight: answered again
        return page

    def reload(self) -> requests.Response:
        while True:
            self.reloads += 1
            if self.reloads > MAX_RELOADS:
                raise Failed(f"{MAX_RELOADS} error pages")
            time.sleep(1)
            try:
                return self.request("GET", f"/assessments/attempts/{self.attempt_id}")
            except Failed:
                continue

    def choose(self, item_id: int, shown: int) -> list[int]:
        """The options for an item: from the teacher's ability (2PL) or, for a self-assessment, a level near it."""
        if item_id in self.sent:
            return self.sent[item_id]
        item = self.plan["items"][item_id]
        if item["n"] != shown:
            self.stats.error("item shown with other options")
        theta = self.theta[item["competency"]]
        if item["type"] == "self_assessment":
            level = min(6, max(1, round(3.5 + theta + self.rng.gauss(0, 0.7))))
            chosen = [item["levels"].index(level)]
        else:
            right = self.rng.random() < 1 / (1 + math.exp(-item["a"] * (theta - item["b"])))
            if item["type"] == "multiple_choice":
                chosen = set(item["correct"])
                if not right:  # one option too many or one too few
                    chosen ^= {self.rng.randrange(item["n"])}
                chosen = sorted(chosen) or [self.rng.randrange(item["n"])]
            else:
                wrong = [i for i in range(item["n"]) if i not in item["correct"]]
                chosen = [item["correct"][0]] if right or not wrong else [self.rng.choice(wrong)]
        self.sent[item_id] = chosen
        return chosen
