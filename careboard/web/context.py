"""Template context shared by every page: the council's name and what the user's role may open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from careboard.web import access


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    can: dict[str, bool] = {}
    if user is not None and user.is_authenticated:
        can = {action: access.may(user, action) for action in access.ACTIONS}
    return {"council_name": settings.COUNCIL_NAME, "can": can}
