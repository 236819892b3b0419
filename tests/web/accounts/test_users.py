"""The administrator's user pages: create, change, deactivate, reactivate; the rules; the audit."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from careboard.web.accounts.models import Role, User
from careboard.web.accounts.users import removes_last_admin
from careboard.web.audit.models import AuditEvent
from tests.web.conftest import client_for

R = Role


def _password(html: str) -> str:
    found = re.search(r'<code id="initial-password">([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def _create(admin: User, **post: str):
    return client_for(admin).post(reverse("user_create"), post)


def test_only_an_administrator_sees_the_users_page_and_its_link(users, loaded):
    admin_page = client_for(users[R.ADMINISTRATOR]).get(reverse("users")).content.decode()
    assert 'href="/users/"' in admin_page
    for name in ("team_manager", "social_worker", "performance_lead", "iro"):
        assert f'<th scope="row">{name}</th>' in admin_page
    lead = client_for(users[R.PERFORMANCE_LEAD])
    assert lead.get(reverse("users")).status_code == 403
    assert 'href="/users/"' not in lead.get(reverse("scorecard")).content.decode()


def test_the_list_shows_role_scope_status_and_last_sign_in(users, loaded):
    users[R.IRO].is_active = False
    users[R.IRO].save()
    html = client_for(users[R.ADMINISTRATOR]).get(reverse("users")).content.decode()
    row = re.search(r'<th scope="row">iro</th>(.*?)</tr>', html, re.S)
    assert row
    assert "Independent reviewing officer" in row.group(1)
    assert "T3" in row.group(1) and "IRO1" in row.group(1) and "Inactive" in row.group(1)
    assert "Never" in row.group(1)
    sm = re.search(r'<th scope="row">service_manager</th>(.*?)</tr>', html, re.S)
    assert sm and "Service area A1" in sm.group(1)
    # the administrator is signed in by force_login, which sets last_login
    me = re.search(r'<th scope="row">administrator</th>(.*?)</tr>', html, re.S)
    assert me and "Never" not in me.group(1) and "Deactivate" not in me.group(1)


def test_creating_a_user_shows_the_password_once_and_stores_only_its_hash(users, loaded):
    admin = users[R.ADMINISTRATOR]
    response = _create(admin, username="kim", role="team_manager", team_ids="T1, T2")
    assert response.status_code == 200
    password = _password(response.content.decode())
    assert len(password) >= 16
    kim = User.objects.get(username="kim")
    assert (kim.role, kim.team_ids, kim.service_area_id, kim.professional_id) == (
        "team_manager",
        ["T1", "T2"],
        "",
        "",
    )
    assert kim.check_password(password) and kim.password != password
    client = client_for(admin)
    for url in (reverse("users"), reverse("user_edit", args=[kim.pk]), reverse("audit_trail")):
        assert password not in client.get(url).content.decode()
    # in no column of any table (sessions included): only the hash is kept
    for model in apps.get_models():
        for row in model.objects.values():
            assert password not in repr(row), model._meta.label
    # the new user can sign in with it
    assert client_for(None).login(username="kim", password=password)


def test_creating_a_user_is_audited_without_the_password(users, loaded):
    response = _create(
        users[R.ADMINISTRATOR], username="sam", role="social_worker", team_ids="T1", professional_id="W2"
    )
    password = _password(response.content.decode())
    event = AuditEvent.objects.get(action="create_user")
    sam = User.objects.get(username="sam")
    assert (event.username, event.role, event.subject) == ("administrator", "administrator", "user:sam")
    assert event.filters == {
        "user_id": sam.pk,
        "role": "social_worker",
        "team_ids": ["T1"],
        "service_area_id": "",
        "professional_id": "W2",
    }
    assert event.at is not None and password not in repr(event.filters)


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"username": "", "role": "auditor"}, "username", "Enter a username"),
        ({"username": "bad name!", "role": "auditor"}, "username", "Enter a valid username"),
        ({"username": "TEAM_MANAGER", "role": "auditor"}, "username", "There is already a user called"),
        ({"username": "new", "role": "king"}, "role", "Select a role"),
        ({"username": "new", "role": "team_manager"}, "team_ids", "Enter the team id(s)"),
        ({"username": "new", "role": "team_manager", "team_ids": "T9"}, "team_ids", "No team &#x27;T9&#x27;"),
        ({"username": "new", "role": "service_manager"}, "service_area_id", "Enter the service area"),
        (
            {"username": "new", "role": "service_manager", "service_area_id": "Z9"},
            "service_area_id",
            "No service area",
        ),
        ({"username": "new", "role": "iro", "team_ids": "T3"}, "professional_id", "Enter the worker id"),
    ],
)
def test_a_bad_new_user_is_refused_with_a_located_error(users, loaded, post, field, message):
    before = User.objects.count()
    response = _create(users[R.ADMINISTRATOR], **post)
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and f'href="#{field}"' in html and message in html
    assert User.objects.count() == before and AuditEvent.objects.count() == 0


def test_an_all_teams_role_keeps_no_team_scope(users, loaded):
    _create(users[R.ADMINISTRATOR], username="ann", role="auditor", team_ids="T1", professional_id="W1")
    ann = User.objects.get(username="ann")
    assert (ann.team_ids, ann.service_area_id, ann.professional_id) == ([], "", "")


def test_changing_a_role_and_team_is_saved_and_audited(users, loaded):
    tm = users[R.TEAM_MANAGER]
    response = client_for(users[R.ADMINISTRATOR]).post(
        reverse("user_edit", args=[tm.pk]), {"role": "service_manager", "service_area_id": "A1"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("users")
    tm.refresh_from_db()
    assert (tm.role, tm.team_ids, tm.service_area_id) == ("service_manager", [], "A1")
    event = AuditEvent.objects.get(action="change_user")
    assert event.subject == "user:team_manager" and event.filters["user_id"] == tm.pk
    assert event.filters["role"] == "service_manager" and event.filters["service_area_id"] == "A1"
    assert event.filters["before"]["role"] == "team_manager" and event.filters["before"]["team_ids"] == ["T1"]


def test_the_change_form_starts_from_the_users_current_scope(users, loaded):
    html = (
        client_for(users[R.ADMINISTRATOR]).get(reverse("user_edit", args=[users[R.IRO].pk])).content.decode()
    )
    assert '<option value="iro" selected>' in html
    assert 'name="team_ids" aria-describedby="team_ids-hint" value="T3"' in html


def test_an_unchanged_scope_writes_no_audit(users, loaded):
    tm = users[R.TEAM_MANAGER]
    client_for(users[R.ADMINISTRATOR]).post(
        reverse("user_edit", args=[tm.pk]), {"role": "team_manager", "team_ids": "T1"}
    )
    assert AuditEvent.objects.count() == 0


def test_a_bad_change_is_refused_and_changes_nothing(users, loaded):
    tm = users[R.TEAM_MANAGER]
    response = client_for(users[R.ADMINISTRATOR]).post(
        reverse("user_edit", args=[tm.pk]), {"role": "social_worker", "team_ids": "T1"}
    )
    assert response.status_code == 400 and "Enter the worker id" in response.content.decode()
    tm.refresh_from_db()
    assert tm.role == "team_manager" and AuditEvent.objects.count() == 0


def test_deactivating_and_reactivating_are_audited_and_stop_then_allow_sign_in(users, loaded):
    admin = client_for(users[R.ADMINISTRATOR])
    sw = users[R.SOCIAL_WORKER]
    sw.set_password("a long test passphrase 42")
    sw.save()
    assert admin.post(reverse("user_deactivate", args=[sw.pk])).status_code == 302
    sw.refresh_from_db()
    assert not sw.is_active
    assert not client_for(None).login(username="social_worker", password="a long test passphrase 42")
    assert admin.post(reverse("user_reactivate", args=[sw.pk])).status_code == 302
    sw.refresh_from_db()
    assert sw.is_active
    assert client_for(None).login(username="social_worker", password="a long test passphrase 42")
    events = list(AuditEvent.objects.order_by("id").values_list("action", "subject", "username"))
    assert events == [
        ("deactivate_user", "user:social_worker", "administrator"),
        ("reactivate_user", "user:social_worker", "administrator"),
    ]
    assert User.objects.filter(username="social_worker").exists()  # never deleted


def test_a_deactivated_users_open_session_is_refused(users, loaded):
    tm_client = client_for(users[R.TEAM_MANAGER])
    client_for(users[R.ADMINISTRATOR]).post(reverse("user_deactivate", args=[users[R.TEAM_MANAGER].pk]))
    response = tm_client.get(reverse("scorecard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deactivation_and_role_changes_are_get_proof(users, loaded):
    admin = client_for(users[R.ADMINISTRATOR])
    tm = users[R.TEAM_MANAGER]
    assert admin.get(reverse("user_deactivate", args=[tm.pk])).status_code == 405
    assert admin.get(reverse("user_reactivate", args=[tm.pk])).status_code == 405
    tm.refresh_from_db()
    assert tm.is_active and AuditEvent.objects.count() == 0


def test_user_pages_need_the_csrf_token(users, loaded):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[R.ADMINISTRATOR])
    tm = users[R.TEAM_MANAGER]
    assert client.post(reverse("user_deactivate", args=[tm.pk])).status_code == 403
    assert client.post(reverse("user_create"), {"username": "x", "role": "auditor"}).status_code == 403
    tm.refresh_from_db()
    assert tm.is_active and not User.objects.filter(username="x").exists()


def test_an_administrator_cannot_deactivate_themself(users, loaded):
    admin = users[R.ADMINISTRATOR]
    User.objects.create_user("admin2", role=R.ADMINISTRATOR)
    response = client_for(admin).post(reverse("user_deactivate", args=[admin.pk]), follow=True)
    assert "You cannot deactivate yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and AuditEvent.objects.count() == 0


def test_the_last_active_administrator_cannot_give_up_the_role(users, loaded):
    admin = users[R.ADMINISTRATOR]
    User.objects.create_user("admin2", role=R.ADMINISTRATOR, is_active=False)  # inactive: does not count
    response = client_for(admin).post(reverse("user_edit", args=[admin.pk]), {"role": "auditor"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "administrator is the last administrator" in html
    admin.refresh_from_db()
    assert admin.role == "administrator" and AuditEvent.objects.count() == 0


def test_an_administrator_may_give_up_the_role_when_another_remains(users, loaded):
    admin = users[R.ADMINISTRATOR]
    User.objects.create_user("admin2", role=R.ADMINISTRATOR)
    response = client_for(admin).post(reverse("user_edit", args=[admin.pk]), {"role": "auditor"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    admin.refresh_from_db()
    assert admin.role == "auditor"
    assert AuditEvent.objects.get(action="change_user").filters["before"]["role"] == "administrator"


def test_an_administrator_may_deactivate_another_administrator(users, loaded):
    other = User.objects.create_user("admin2", role=R.ADMINISTRATOR)
    response = client_for(users[R.ADMINISTRATOR]).post(reverse("user_deactivate", args=[other.pk]))
    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_active


@pytest.mark.parametrize(
    ("others", "role", "active", "expected"),
    [
        ([], "administrator", False, True),  # deactivating the only administrator
        ([], "auditor", True, True),  # demoting the only administrator
        ([], "administrator", True, False),  # no change of standing
        ([("admin2", False)], "administrator", False, True),  # an inactive one does not count
        ([("admin2", True)], "administrator", False, False),
        ([("admin2", True)], "auditor", True, False),
    ],
)
def test_removes_last_admin(users, others, role, active, expected):
    """The rule itself. Through the views an administrator reaches it only on themself (another
    active administrator is always the one acting), but two administrators removing each other at
    once would: the views run it under a lock in the transaction that makes the change."""
    for name, is_active in others:
        User.objects.create_user(name, role=R.ADMINISTRATOR, is_active=is_active)
    with transaction.atomic():
        assert removes_last_admin(users[R.ADMINISTRATOR], role=role, active=active) is expected


def test_removing_a_non_administrator_never_trips_the_rule(users):
    users[R.ADMINISTRATOR].is_active = False
    users[R.ADMINISTRATOR].save()
    with transaction.atomic():
        assert removes_last_admin(users[R.TEAM_MANAGER], role="auditor", active=False) is False


def test_the_users_pages_have_no_inline_script_or_style(users, loaded):
    client = client_for(users[R.ADMINISTRATOR])
    created = client.post(reverse("user_create"), {"username": "lee", "role": "auditor"})
    pages = [
        client.get(u)
        for u in (reverse("users"), reverse("user_create"), reverse("user_edit", args=[users[R.IRO].pk]))
    ]
    for response in [created, *pages]:
        html = response.content.decode()
        assert "<script" not in html and "style=" not in html and "<style" not in html
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "no-store"
