"""Signing in and out, and each role's landing page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from careboard.web import access


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["lockout_attempts"] = settings.LOCKOUT_ATTEMPTS
        context["lockout_minutes"] = settings.LOCKOUT_MINUTES
        return context


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's first page: its worklist for caseholders, the scorecard for most, else data/audit."""
    if access.may(request.user, "view_own_worklist"):
        return redirect("worklist_mine")
    if access.may(request.user, "view_scorecard"):
        return redirect("scorecard")
    if access.may(request.user, "view_audit"):
        return redirect("audit_trail")
    return redirect("data_loads")
