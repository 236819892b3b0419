"""Demo users: one per role, scoped to real teams and workers of the current (synthetic) data."""

from __future__ import annotations

import polars as pl

from careboard.web.accounts.models import Role, User
from careboard.web.data.loads import NoData, current_dataset


def _scopes() -> dict[Role, dict[str, object]]:
    """Scope for each team-scoped role: the team with most open cases, its area, worker and an IRO."""
    try:
        _load, data = current_dataset()
    except NoData:
        return {}
    invo = data["ssd_involvements"].filter(pl.col("invo_involvement_end_date").is_null())
    sw = invo.filter((pl.col("invo_professional_role_id") != "IRO").fill_null(True))
    if sw.is_empty():
        return {}
    team = (
        sw.group_by("invo_professional_team")
        .len()
        .sort(["len", "invo_professional_team"], descending=[True, False])
    )
    team_id = str(team["invo_professional_team"][0])
    in_team = sw.filter(pl.col("invo_professional_team") == team_id)
    worker = (
        in_team.group_by("invo_professional_id")
        .len()
        .sort(["len", "invo_professional_id"], descending=[True, False])
    )
    dept = data["ssd_department"].filter(pl.col("dept_team_id") == team_id)
    area = str(dept["dept_team_parent_id"][0]) if dept.height and dept["dept_team_parent_id"][0] else ""
    iro = invo.filter(pl.col("invo_professional_role_id") == "IRO")
    iro_id = (
        str(
            iro.group_by("invo_professional_id").len().sort("len", descending=True)["invo_professional_id"][0]
        )
        if iro.height
        else ""
    )
    return {
        Role.SERVICE_MANAGER: {"service_area_id": area, "team_ids": [] if area else [team_id]},
        Role.TEAM_MANAGER: {"team_ids": [team_id]},
        Role.SOCIAL_WORKER: {
            "team_ids": [team_id],
            "professional_id": str(worker["invo_professional_id"][0]),
        },
        Role.IRO: {"team_ids": [team_id], "professional_id": iro_id},
    }


def create_demo_users(password: str) -> list[User]:
    scopes = _scopes()
    out = []
    for role in Role:
        user = User.objects.filter(username=role.value).first() or User(username=role.value)
        user.role = role
        user.first_name = role.label
        user.team_ids = []
        user.service_area_id = ""
        user.professional_id = ""
        for field, value in scopes.get(role, {}).items():
            setattr(user, field, value)
        user.set_password(password)
        user.save()
        out.append(user)
    return out
