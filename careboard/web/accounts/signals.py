"""Record every failed login (the lock-out counts them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from careboard.web.accounts.models import FailedLogin


@receiver(user_login_failed)
def record_failed_login(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = str(credentials.get("username") or "")[:150]
    if username:
        FailedLogin.objects.create(username=username)
