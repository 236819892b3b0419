"""Every role against every URL: the expected status, and nothing written when denied.

The matrix must name every URL in the URLconf: a new URL fails this test until its access is
decided here.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.urls import URLPattern, get_resolver, reverse

from careboard.web.accounts.models import Role, User
from careboard.web.audit.models import AuditEvent
from careboard.web.data import closing
from tests.web.conftest import client_for

R = Role
ALL = set(Role)
CHILD_LEVEL = {R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER, R.SOCIAL_WORKER, R.IRO, R.AUDITOR}
TEAM_LISTS = {R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER}
BOARD_REPORTS = {R.PERFORMANCE_LEAD, R.SENIOR_LEADER, R.BOARD_MEMBER, R.SERVICE_MANAGER, R.TEAM_MANAGER}


def statuses(ok: set[Role], ok_status: int = 200, denied: int = 403) -> dict[Role, int]:
    return {role: ok_status if role in ok else denied for role in Role}


# name -> (kwargs, method, POST data, {role: status}, status when signed out)
MATRIX: dict[str, tuple[dict[str, object], str, dict[str, str], dict[Role, int], int]] = {
    "home": ({}, "get", {}, statuses(ALL, 302), 302),
    "login": ({}, "get", {}, statuses(ALL, 302), 200),
    "logout": ({}, "post", {}, statuses(ALL, 302), 302),
    "scorecard": ({}, "get", {}, statuses(ALL - {R.ADMINISTRATOR}), 302),
    "indicator": ({"indicator_id": "TV01"}, "get", {}, statuses(ALL - {R.ADMINISTRATOR}), 302),
    "indicator_children": ({"indicator_id": "TV01"}, "get", {}, statuses(CHILD_LEVEL), 302),
    "indicator_children_csv": ({"indicator_id": "TV01"}, "get", {}, statuses(TEAM_LISTS), 302),
    "commentary": (
        {"indicator_id": "TV01"},
        "post",
        {"month": "2026-02-28", "text": "Visits fell in February."},
        statuses({R.PERFORMANCE_LEAD}, 302),
        302,
    ),
    "worklists": (
        {},
        "get",
        {},
        {
            **statuses(set()),
            R.SOCIAL_WORKER: 302,
            R.IRO: 302,
            R.TEAM_MANAGER: 302,  # one team: straight to it
            R.SERVICE_MANAGER: 200,  # chooses among the area's teams
            R.PERFORMANCE_LEAD: 200,
        },
        302,
    ),
    "worklist_mine": ({}, "get", {}, statuses({R.SOCIAL_WORKER, R.IRO}), 302),
    "worklist_team": ({"team_id": "T1"}, "get", {}, statuses(TEAM_LISTS), 302),
    "child_search": ({}, "get", {}, statuses(CHILD_LEVEL), 302),
    "child": ({"person_id": "C1"}, "get", {}, statuses(CHILD_LEVEL), 302),
    "data_loads": ({}, "get", {}, statuses({R.ADMINISTRATOR, R.PERFORMANCE_LEAD}), 302),
    "data_upload": ({}, "get", {}, statuses({R.PERFORMANCE_LEAD}), 302),
    "data_load": ({"load_id": "LOAD"}, "get", {}, statuses({R.ADMINISTRATOR, R.PERFORMANCE_LEAD}), 302),
    "data_month": (
        {"period_end": "2026-02-28"},
        "get",
        {},
        statuses({R.ADMINISTRATOR, R.PERFORMANCE_LEAD}),
        302,
    ),
    "data_month_sign_off": (
        {"period_end": "2026-02-28"},
        "post",
        {},
        statuses({R.PERFORMANCE_LEAD}, 302),
        302,
    ),
    "targets": ({}, "get", {}, statuses({R.PERFORMANCE_LEAD}), 302),
    "target_edit": ({"indicator_id": "TV01"}, "get", {}, statuses({R.PERFORMANCE_LEAD}), 302),
    "audit_trail": ({}, "get", {}, statuses({R.ADMINISTRATOR}), 302),
    "users": ({}, "get", {}, statuses({R.ADMINISTRATOR}), 302),
    "user_create": ({}, "get", {}, statuses({R.ADMINISTRATOR}), 302),
    "user_edit": ({"user_id": "USER"}, "get", {}, statuses({R.ADMINISTRATOR}), 302),
    "user_deactivate": ({"user_id": "USER"}, "post", {}, statuses({R.ADMINISTRATOR}, 302), 302),
    "user_reactivate": ({"user_id": "USER"}, "post", {}, statuses({R.ADMINISTRATOR}, 302), 302),
    "reports": ({}, "get", {}, statuses(ALL - {R.ADMINISTRATOR}), 302),
    # the board's edition: every figure, so not for elected members nor caseholders
    "report_download": (
        {},
        "get",
        {"month": "2026-02-28", "format": "html", "audience": "board"},
        statuses(BOARD_REPORTS),
        302,
    ),
    "static": ({"path": "careboard/careboard.css"}, "get", {}, statuses(ALL), 200),
}


@pytest.fixture
def closed(loaded):
    """February 2026 closed, for the month pages, and a user for the user pages to act on."""
    closing.close_month(date(2026, 2, 28), "pat")
    User.objects.create_user("target", role=R.TEAM_MANAGER, team_ids=["T1"])
    return loaded


def url_names() -> set[str]:
    return {p.name for p in get_resolver().url_patterns if isinstance(p, URLPattern) and p.name}


def test_every_url_is_in_the_matrix():
    assert url_names() == set(MATRIX)


def row_counts() -> dict[str, int]:
    """Rows in every table but sessions (a request renews its session: that is not data)."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.label not in ("sessions.Session",)
    }


def _url(name: str, kwargs: dict[str, object], load_id: int) -> str:
    ids = {"LOAD": load_id, "USER": User.objects.get(username="target").pk}
    resolved = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    return reverse(name, kwargs=resolved)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_status(name, users, closed):
    kwargs, method, data, expected, _ = MATRIX[name]
    url = _url(name, kwargs, closed.pk)
    for role in Role:
        client = client_for(users[role])
        before = row_counts()
        response = getattr(client, method)(url, data)
        assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
        if response.status_code in (403, 404):
            assert row_counts() == before, f"denied {role} {url} changed the database"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_signed_out_visitors_are_sent_to_sign_in(name, db, closed):
    kwargs, method, data, _, expected = MATRIX[name]
    url = _url(name, kwargs, closed.pk)
    before = row_counts()
    response = getattr(client_for(None), method)(url, data)
    assert response.status_code == expected
    if expected == 302 and name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.count() == 0
    if name != "login":
        assert row_counts() == before
