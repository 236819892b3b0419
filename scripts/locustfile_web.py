"""Load test of the web application: board members reading the scorecard and indicator pages.

    careboard serve --port 8000            # on the benchmark database, after load + close-month
    CAREBOARD_BENCH_PASSWORD=... locust -f scripts/locustfile_web.py --headless -u 50 -r 10 \\
        -t 90s --host http://127.0.0.1:8000

Each simulated user signs in once as the demo board member, then reads pages with 1-2 s between
them. With CAREBOARD_BENCH_SESSIONS naming a file of session keys (scripts/bench_web.py
--sessions 50) the users start signed in instead, so the run measures pages, not password hashing.
Locust is not a careboard dependency: install it in a separate environment to run this.
"""

import os
import random
from pathlib import Path

from locust import HttpUser, between, task  # type: ignore[import-not-found]

PASSWORD = os.environ.get("CAREBOARD_BENCH_PASSWORD", "")
SESSIONS_FILE = os.environ.get("CAREBOARD_BENCH_SESSIONS", "")
SESSIONS = Path(SESSIONS_FILE).read_text(encoding="utf-8").split() if SESSIONS_FILE else []
INDICATORS = ["cin_visits_in_time", "cp_visits_in_time", "cla_reviews_in_time", "contacts_decided_24h"]


class BoardMember(HttpUser):  # type: ignore[misc]
    wait_time = between(1, 2)

    def on_start(self) -> None:
        if SESSIONS:
            self.client.cookies.set("sessionid", SESSIONS.pop(), domain="127.0.0.1")
            return
        self.client.get("/login/")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/login/",
            {"username": "board_member", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/login/"},
        )

    @task(6)
    def scorecard(self) -> None:
        self.client.get("/scorecard/", name="/scorecard/")

    @task(2)
    def team_scorecard(self) -> None:
        self.client.get("/scorecard/?team=T01", name="/scorecard/?team=")

    @task(2)
    def indicator(self) -> None:
        self.client.get(f"/indicators/{random.choice(INDICATORS)}/", name="/indicators/<id>/")

    @task(1)
    def baseline(self) -> None:
        # The stylesheet through the whole middleware stack: a trivial page measured in the same
        # run, so a page's time can be read against the server's own queueing on a busy machine.
        self.client.get("/static/careboard/careboard.css", name="baseline: /static/ stylesheet")
