"""The one helper every child-level view calls to record what was seen."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from careboard.web.accounts.models import User
from careboard.web.audit.models import AuditEvent


def record(
    request: HttpRequest,
    action: str,
    *,
    person_id: str = "",
    subject: str = "",
    filters: dict[str, Any] | None = None,
    count: int = 0,
) -> AuditEvent:
    user = request.user
    if not isinstance(user, User):
        raise TypeError("only a signed-in user's views are recorded")  # views check access first
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username(),
        role=getattr(user, "role", ""),
        action=action,
        person_id=person_id,
        subject=subject,
        filters=filters or {},
        count=count,
        path=request.get_full_path()[:500],
    )
