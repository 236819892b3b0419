"""The administrator's page reading the audit trail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from careboard.web import access
from careboard.web.audit.models import AuditEvent


@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "view_audit")
    events = AuditEvent.objects.all()
    who = request.GET.get("user", "").strip()
    child = request.GET.get("child", "").strip()
    if who:
        events = events.filter(username=who)
    if child:
        events = events.filter(person_id=child)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"nav": "audit", "page": page, "who": who, "child": child})
