"""Server time of the web pages on the current database (run after load + close-month).

    DATABASE_URL=postgresql://... CAREBOARD_VAR_DIR=... python scripts/bench_web.py [--repeat 30]

Requests go through Django's whole stack in-process (middleware, access, queries, templates), so
the time is server time without the network. The first request of each page is reported apart:
it reads the load into memory or computes an open month.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--sessions", type=int, default=0, help="Only write N signed-in board member sessions"
    )
    parser.add_argument("--sessions-out", default="var/bench-sessions.txt")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careboard.web.settings")
    import django

    django.setup()
    from django.test import Client

    from careboard.web.accounts.models import Role, User
    from careboard.web.data.loads import require_current_load

    load = require_current_load()
    user = User.objects.filter(role=Role.BOARD_MEMBER).first() or User.objects.create(
        username="bench_board", role=Role.BOARD_MEMBER
    )
    lead = User.objects.filter(role=Role.PERFORMANCE_LEAD).first() or User.objects.create(
        username="bench_lead", role=Role.PERFORMANCE_LEAD
    )
    if args.sessions:
        _write_sessions(user, args.sessions, args.sessions_out)
        return
    print(f"load {load.pk}: {sum(load.row_counts.values()):,} rows, data to {load.as_at}")
    pages = [
        (user, "/scorecard/", "scorecard, latest closed month, council"),
        (lead, "/indicators/cin_visits_in_time/", "indicator page, closed month"),
        (lead, f"/scorecard/?month={load.as_at}", "scorecard, open month (live)"),
    ]
    for who, path, label in pages:
        client = Client()
        client.force_login(who)
        start = time.perf_counter()
        status = client.get(path).status_code
        first = time.perf_counter() - start
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"{label:42} status {status}  first {first * 1000:7.0f} ms  "
            f"median {statistics.median(times) * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  (n={len(times)})"
        )


def _write_sessions(user: object, count: int, out: str) -> None:
    """Sessions signed in as ``user``, for a load test of pages rather than of password hashing."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
        session[BACKEND_SESSION_KEY] = "careboard.web.accounts.backends.LockoutBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
        session.create()
        keys.append(session.session_key or "")
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(keys) + "\n")
    print(f"{count} sessions written to {out}")


if __name__ == "__main__":
    main()
