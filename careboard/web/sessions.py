"""Idle expiry of sessions without a database write on every request.

A session ends ``SESSION_COOKIE_AGE`` seconds after it was last saved. Saving it on every request
(``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE per page, which under load is a write per page
for every reader. Instead this middleware marks the session for saving only when its last renewal
is more than ``RENEW_AFTER_SECONDS`` old, so a session ends between 29 and 30 idle minutes (with
the default 30), never later than configured. Sessions with nothing in them (signed-out visitors)
are left alone, so no session is created for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RENEW_AFTER_SECONDS = 60
RENEWED_KEY = "_careboard_renewed"


class RenewIdleSessionMiddleware:
    """Place after SessionMiddleware, so it runs before the session is saved on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # a request that never read the session (a stylesheet) costs no session query
        if session is None or not session.accessed or session.is_empty():
            return response
        # keys() loads the session: an expired or unknown cookie reads as empty, with no key
        if not (session.keys() - {RENEWED_KEY}) or not session.session_key:
            return response
        now = int(time.time())
        try:
            renewed = int(session.get(RENEWED_KEY, 0))
        except (TypeError, ValueError):
            renewed = 0
        if now - renewed >= RENEW_AFTER_SECONDS:
            session[RENEWED_KEY] = now  # marks the session modified: saved with a new expiry
        return response
