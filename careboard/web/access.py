"""Who may see what: the one module that decides it.

Two questions, asked in this order by every view:

1. May this role do this at all? (``require``) A role too weak gets 403. The map of roles to
   actions fails closed: asking about an action that is not in the map raises.
2. Is the thing within the user's scope? (``require_team``, ``require_child``, ``scope_rows``)
   Outside the scope the answer is 404, so a user cannot learn that a child or team exists.

Aggregate-only roles (senior leader, board member, elected member) never reach child-level data;
the elected member also sees small numbers suppressed (``suppresses_small_numbers``).
"""

from __future__ import annotations

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import Http404

from careboard.engine.store import Dataset
from careboard.web.accounts.models import Role, User

R = Role
_CHILD_LEVEL = {R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER, R.SOCIAL_WORKER, R.IRO, R.AUDITOR}
_EVERYONE = set(Role)

# action -> roles allowed. Every view names one of these; an unknown action raises.
ACTIONS: dict[str, frozenset[Role]] = {
    # aggregate: the scorecard, an indicator's definition, trend and breakdown by team
    "view_scorecard": frozenset(_EVERYONE - {R.ADMINISTRATOR}),
    # breakdown by worker (names staff; not for aggregate-only audiences)
    "view_worker_breakdown": frozenset({R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER, R.AUDITOR}),
    # child-level: the children behind a number, a child's record, searches
    "view_children": frozenset(_CHILD_LEVEL),
    "export_children": frozenset({R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER}),
    # worklists: a team's (managers) or one's own caseload (social worker, IRO)
    "view_team_worklist": frozenset({R.PERFORMANCE_LEAD, R.SERVICE_MANAGER, R.TEAM_MANAGER}),
    "view_own_worklist": frozenset({R.SOCIAL_WORKER, R.IRO}),
    # data and targets
    "view_loads": frozenset({R.ADMINISTRATOR, R.PERFORMANCE_LEAD}),
    "upload_data": frozenset({R.PERFORMANCE_LEAD}),
    "edit_targets": frozenset({R.PERFORMANCE_LEAD}),
    "write_commentary": frozenset({R.PERFORMANCE_LEAD}),
    "sign_off_month": frozenset({R.PERFORMANCE_LEAD}),
    "view_audit": frozenset({R.ADMINISTRATOR}),
    # list, create, change the role and scope of, deactivate and reactivate users
    "manage_users": frozenset({R.ADMINISTRATOR}),
    # the monthly improvement summary (aggregate); which audience is bounded by REPORT_AUDIENCES
    "download_report": frozenset(_EVERYONE - {R.ADMINISTRATOR}),
}

# role -> the report audiences it may download. A board report shows every figure, small numbers
# included, so it is for those who run or oversee the service; an elected member gets the members'
# or public edition (small numbers withheld); anyone else who may see the scorecard, the public one.
# A role missing here may download nothing (fails closed).
_BOARD_AUDIENCES: tuple[str, ...] = ("board", "members", "public")
REPORT_AUDIENCES: dict[Role, tuple[str, ...]] = {
    R.PERFORMANCE_LEAD: _BOARD_AUDIENCES,
    R.SENIOR_LEADER: _BOARD_AUDIENCES,
    R.BOARD_MEMBER: _BOARD_AUDIENCES,
    R.SERVICE_MANAGER: _BOARD_AUDIENCES,
    R.TEAM_MANAGER: _BOARD_AUDIENCES,
    R.ELECTED_MEMBER: ("members", "public"),
    R.SOCIAL_WORKER: ("public",),
    R.IRO: ("public",),
    R.AUDITOR: ("public",),
}

# Roles whose scope is every team; the others are scoped to their teams (service manager: the
# teams of their service area).
_ALL_TEAMS = {
    R.ADMINISTRATOR,
    R.PERFORMANCE_LEAD,
    R.SENIOR_LEADER,
    R.BOARD_MEMBER,
    R.ELECTED_MEMBER,
    R.AUDITOR,
}


def _user(user: object) -> User:
    """The signed-in careboard user; anyone else is refused."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("not signed in")
    return user


def _role(user: object) -> Role:
    return Role(_user(user).role)


def may(user: object, action: str) -> bool:
    """Whether ``user``'s role allows ``action``; raises KeyError for an action not in the map."""
    allowed = ACTIONS[action]
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return Role(user.role) in allowed


def require(user: object, action: str) -> None:
    """Raise PermissionDenied (403) unless ``user``'s role allows ``action``."""
    if not may(user, action):
        raise PermissionDenied(action)


def report_audiences(user: object) -> tuple[str, ...]:
    """The report audiences ``user`` may download (none unless the role may download reports)."""
    if not may(user, "download_report"):
        return ()
    return REPORT_AUDIENCES.get(_role(user), ())


def require_report_audience(user: object, audience: str) -> None:
    """Raise PermissionDenied (403) unless ``user`` may download a report for ``audience``."""
    if audience not in report_audiences(user):
        raise PermissionDenied(f"report for {audience}")


def suppresses_small_numbers(user: object) -> bool:
    return _role(user) == R.ELECTED_MEMBER


def team_scope(user: object, data: Dataset) -> frozenset[str] | None:
    """The team ids ``user`` may see, or None for every team."""
    who = _user(user)
    role = Role(who.role)
    if role in _ALL_TEAMS:
        return None
    teams = {str(t) for t in (who.team_ids or [])}
    if role == R.SERVICE_MANAGER and who.service_area_id:
        dept = data["ssd_department"]
        area = dept.filter(pl.col("dept_team_parent_id") == who.service_area_id)["dept_team_id"]
        teams |= set(area.drop_nulls().to_list())
    return frozenset(teams)


def require_team(user: object, team_id: str, data: Dataset) -> None:
    """Http404 unless ``team_id`` is a known team within ``user``'s scope."""
    known = data["ssd_department"]["dept_team_id"].to_list()
    scope = team_scope(user, data)
    if team_id not in known or (scope is not None and team_id not in scope):
        raise Http404("no such team")


def scope_rows(user: object, rows: pl.DataFrame, data: Dataset, team_column: str = "team_id") -> pl.DataFrame:
    """``rows`` restricted to the teams ``user`` may see (rows with no team only for all-team roles)."""
    scope = team_scope(user, data)
    if scope is None:
        return rows
    return rows.filter(pl.col(team_column).is_in(sorted(scope)).fill_null(False))


def child_team(data: Dataset, person_id: str) -> str | None:
    """The team that holds (or last held) the child's case: the latest-started allocation."""
    invo = data["ssd_involvements"].filter(
        (pl.col("invo_person_id") == person_id)
        & (pl.col("invo_professional_role_id") != "IRO").fill_null(True)
    )
    if invo.is_empty():
        return None
    latest = invo.sort("invo_involvement_start_date", nulls_last=False).tail(1)
    team = latest["invo_professional_team"][0]
    return None if team is None else str(team)


def _is_childs_iro(user: User, data: Dataset, person_id: str) -> bool:
    if not user.professional_id:
        return False
    invo = data["ssd_involvements"].filter(
        (pl.col("invo_person_id") == person_id)
        & (pl.col("invo_professional_role_id") == "IRO")
        & (pl.col("invo_professional_id") == user.professional_id)
    )
    return not invo.is_empty()


def require_child(user: object, person_id: str, data: Dataset) -> None:
    """Http404 unless the child exists and their case sits within ``user``'s scope.

    The role must already have been checked (``require(user, "view_children")``).
    """
    known = not data["ssd_person"].filter(pl.col("pers_person_id") == person_id).is_empty()
    if not known:
        raise Http404("no such child")
    scope = team_scope(user, data)
    if scope is None:
        return
    if _role(user) == R.IRO and _is_childs_iro(_user(user), data, person_id):
        return
    if child_team(data, person_id) not in scope:
        raise Http404("no such child")
