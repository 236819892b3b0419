"""The administrator's pages to manage users: list, create, change role and scope, deactivate.

Users are never deleted (the audit trail refers to them); they are deactivated. An administrator
cannot deactivate themself, nor remove the last active administrator (by deactivation or a
change of role).
Every change writes an ``AuditEvent`` (subject ``user:<username>``) through ``audit.trail``.

The initial password is generated (as ``careboard users create`` does) and shown once, in the
response to the POST that created the user: it is never put in the session, a message, the audit
trail or a log, and only its hash is stored. careboard has no "change your password at first
sign-in" mechanism, so none is enforced here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careboard.web import access
from careboard.web.accounts.models import Role, User
from careboard.web.audit import trail
from careboard.web.data.loads import NoData, current_dataset

ACTION = "manage_users"
# Roles scoped to their own teams; a service manager is scoped to a service area (or teams).
TEAM_ROLES = frozenset({Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.IRO})
# Roles whose own worklist is found by their worker id (prof_professional_id).
WORKER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.IRO})
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Scope:
    role: Role
    team_ids: list[str]
    service_area_id: str
    professional_id: str

    def as_filters(self) -> dict[str, Any]:
        return {
            "role": self.role.value,
            "team_ids": self.team_ids,
            "service_area_id": self.service_area_id,
            "professional_id": self.professional_id,
        }


def _known_teams() -> tuple[set[str], set[str]] | None:
    """Team ids and service area ids in the current load, or None when nothing is loaded."""
    try:
        _load, data = current_dataset()
    except NoData:
        return None
    dept = data["ssd_department"]
    teams = {str(t) for t in dept["dept_team_id"].drop_nulls().to_list()}
    areas = {str(a) for a in dept.select(pl.col("dept_team_parent_id")).to_series().drop_nulls().to_list()}
    return teams, areas


def read_scope(form: Any, errors: dict[str, str]) -> Scope | None:
    """The role and scope posted in ``form``, or None with ``errors`` filled in (keyed by field id)."""
    raw_role = str(form.get("role", "")).strip()
    if raw_role not in Role.values:
        errors["role"] = "Select a role"
        return None
    role = Role(raw_role)
    teams = [t.strip() for t in str(form.get("team_ids", "")).split(",") if t.strip()]
    area = str(form.get("service_area_id", "")).strip()
    worker = str(form.get("professional_id", "")).strip()
    bad = [t for t in teams if not _ID.match(t)]
    if bad:
        errors["team_ids"] = (
            f"Team ids are letters, digits, '.', '_' or '-', separated by commas: not {bad[0]!r}"
        )
    elif role in TEAM_ROLES and not teams:
        errors["team_ids"] = f"Enter the team id(s) a {role.label.lower()} works in"
    if role == Role.SERVICE_MANAGER and not area and not teams:
        errors["service_area_id"] = "Enter the service area a service manager is responsible for"
    if area and not _ID.match(area):
        errors["service_area_id"] = "A service area id is letters, digits, '.', '_' or '-'"
    if role in WORKER_ROLES and not worker:
        errors["professional_id"] = f"Enter the worker id of the {role.label.lower()}, for their own worklist"
    if worker and not _ID.match(worker):
        errors["professional_id"] = "A worker id is letters, digits, '.', '_' or '-'"
    known = _known_teams()
    if known is not None and "team_ids" not in errors:
        unknown = [t for t in teams if t not in known[0]]
        if unknown:
            errors["team_ids"] = f"No team {unknown[0]!r} in the current data"
    if known is not None and area and "service_area_id" not in errors and area not in known[1]:
        errors["service_area_id"] = f"No service area {area!r} in the current data"
    if errors:
        return None
    # Roles that see every team keep no team scope; only caseholders keep a worker id.
    if role not in TEAM_ROLES and role != Role.SERVICE_MANAGER:
        teams, area = [], ""
    if role != Role.SERVICE_MANAGER:
        area = ""
    if role not in WORKER_ROLES:
        worker = ""
    return Scope(role, teams, area, worker)


def _apply(user: User, scope: Scope) -> None:
    user.role = scope.role
    user.team_ids = scope.team_ids
    user.service_area_id = scope.service_area_id
    user.professional_id = scope.professional_id


def _scope_of(user: User) -> Scope:
    return Scope(Role(user.role), list(user.team_ids or []), user.service_area_id, user.professional_id)


def _record(request: HttpRequest, action: str, target: User, **filters: Any) -> None:
    trail.record(
        request, action, subject=f"user:{target.username}", filters={"user_id": target.pk, **filters}
    )


def removes_last_admin(target: User, *, role: str, active: bool) -> bool:
    """Whether making ``target`` (role, active) would leave no active administrator.

    Call inside a transaction: the administrators' rows stay locked until it ends, so two
    administrators removing each other at once cannot both succeed (on PostgreSQL; SQLite
    serialises writers anyway).
    """
    if target.role != Role.ADMINISTRATOR or not target.is_active:
        return False
    if role == Role.ADMINISTRATOR and active:
        return False
    admins = User.objects.select_for_update().filter(role=Role.ADMINISTRATOR, is_active=True)
    return not any(u.pk != target.pk for u in admins)


def _form_context(request: HttpRequest, errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"nav": "users", "errors": errors, "form": request.POST, "roles": Role.choices, **extra}


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, ACTION)
    users = User.objects.order_by("-is_active", "username")
    return render(request, "accounts/users.html", {"nav": "users", "users": users})


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, ACTION)
    errors: dict[str, str] = {}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            if not username:
                raise ValidationError("Enter a username")
            UnicodeUsernameValidator()(username)
            if len(username) > 150:
                raise ValidationError("A username is at most 150 characters")
        except ValidationError as e:
            errors["username"] = " ".join(e.messages)
        if "username" not in errors and User.objects.filter(username__iexact=username).exists():
            errors["username"] = f"There is already a user called {username}"
        scope = read_scope(request.POST, errors)
        if not errors and scope is not None:
            password = secrets.token_urlsafe(12)
            with transaction.atomic():
                user = User(username=username)
                _apply(user, scope)
                user.set_password(password)
                user.save()
                _record(request, "create_user", user, **scope.as_filters())
            # Rendered in the response to this POST and nowhere else: not kept for a later page.
            return render(
                request, "accounts/user_created.html", {"nav": "users", "new": user, "password": password}
            )
    return render(
        request, "accounts/user_form.html", _form_context(request, errors), status=400 if errors else 200
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    access.require(request.user, ACTION)
    target = get_object_or_404(User, pk=user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        scope = read_scope(request.POST, errors)
        if scope is not None:
            with transaction.atomic():
                target = User.objects.select_for_update().get(pk=target.pk)
                before = _scope_of(target)
                if removes_last_admin(target, role=scope.role, active=target.is_active):
                    errors["role"] = (
                        f"{target.username} is the last administrator: make someone else one first"
                    )
                elif scope == before:
                    messages.info(request, f"No change to {target.username}")
                    return redirect("users")
                else:
                    _apply(target, scope)
                    target.save(update_fields=["role", "team_ids", "service_area_id", "professional_id"])
                    _record(request, "change_user", target, **scope.as_filters(), before=before.as_filters())
                    messages.success(
                        request, f"{target.username} is now {scope.role.label.lower()}{_scope_text(scope)}"
                    )
                    # an administrator who gave up the role may no longer open the users page
                    gave_up = target.pk == request.user.pk and scope.role != Role.ADMINISTRATOR
                    return redirect("home" if gave_up else "users")
    form: Any = request.POST if request.method == "POST" else _initial(target)
    return render(
        request,
        "accounts/user_form.html",
        {**_form_context(request, errors), "form": form, "target": target},
        status=400 if errors else 200,
    )


def _initial(user: User) -> dict[str, str]:
    return {
        "role": user.role,
        "team_ids": ",".join(user.team_ids or []),
        "service_area_id": user.service_area_id,
        "professional_id": user.professional_id,
    }


def _scope_text(scope: Scope) -> str:
    if scope.service_area_id:
        return f" for service area {scope.service_area_id}"
    if scope.team_ids:
        return f" for {', '.join(scope.team_ids)}"
    return ""


@require_POST
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    access.require(request.user, ACTION)
    with transaction.atomic():
        target = get_object_or_404(User.objects.select_for_update(), pk=user_id)
        if target.pk == request.user.pk:
            messages.error(request, "You cannot deactivate yourself: ask another administrator")
        elif removes_last_admin(target, role=target.role, active=False):
            messages.error(request, f"{target.username} is the last administrator and cannot be deactivated")
        elif not target.is_active:
            messages.info(request, f"{target.username} was already inactive")
        else:
            target.is_active = False
            target.save(update_fields=["is_active"])
            _record(request, "deactivate_user", target)
            messages.success(request, f"{target.username} deactivated: they can no longer sign in")
    return redirect("users")


@require_POST
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    access.require(request.user, ACTION)
    with transaction.atomic():
        target = get_object_or_404(User.objects.select_for_update(), pk=user_id)
        if target.is_active:
            messages.info(request, f"{target.username} was already active")
        else:
            target.is_active = True
            target.save(update_fields=["is_active"])
            _record(request, "reactivate_user", target)
            messages.success(request, f"{target.username} reactivated: they can sign in again")
    return redirect("users")
