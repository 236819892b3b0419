"""Authentication with lock-out: after N failed logins in M minutes a username is refused for M
minutes, even with the right password.

Written here rather than taken from a package (django-axes) because it is some thirty lines, the
rule is ours to state in docs/web.md, and one fewer dependency touches every login.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from careboard.web.accounts.models import FailedLogin, User


def is_locked_out(username: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES)
    recent = FailedLogin.objects.filter(username__iexact=username, at__gte=since).count()
    return recent >= settings.LOCKOUT_ATTEMPTS


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username and is_locked_out(username):
            # PermissionDenied stops Django trying other backends and counts as a failed login
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and username:
            FailedLogin.objects.filter(username__iexact=username).delete()
        return user
