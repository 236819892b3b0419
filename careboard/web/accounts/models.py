"""A user has one role and a scope of teams; what each role may do is decided in ``access``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PERFORMANCE_LEAD = "performance_lead", "Performance lead"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    BOARD_MEMBER = "board_member", "Board member"
    SERVICE_MANAGER = "service_manager", "Service manager"
    TEAM_MANAGER = "team_manager", "Team manager"
    SOCIAL_WORKER = "social_worker", "Social worker"
    IRO = "iro", "Independent reviewing officer"
    AUDITOR = "auditor", "Auditor"
    ELECTED_MEMBER = "elected_member", "Elected member"


def _no_teams() -> list[str]:
    return []


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices)
    # Team scope: dept_team_id values. A service manager's scope is a service area instead
    # (dept_team_parent_id), resolved to its teams from the current load.
    team_ids = models.JSONField(default=_no_teams, blank=True)
    service_area_id = models.CharField(max_length=64, blank=True, default="")
    # The user's own prof_professional_id, for a social worker's own caseload.
    professional_id = models.CharField(max_length=64, blank=True, default="")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.role not in Role.values:
            raise ValueError(f"unknown role {self.role!r}")
        super().save(*args, **kwargs)


class FailedLogin(models.Model):
    """One failed attempt to log in; enough recent ones lock the username out for a while."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
