from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from careboard.web import sessions
from tests.web.conftest import client_for


def _expiry() -> object:
    return Session.objects.get().expire_date


def test_a_second_request_within_a_minute_does_not_write_the_session(users, loaded, settings):
    client = client_for(users["board_member"])
    client.get("/scorecard/")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    before = _expiry()
    assert client.get("/scorecard/").status_code == 200
    assert _expiry() == before


def test_a_request_a_minute_after_the_last_renewal_pushes_the_expiry_forward(
    users, loaded, settings, monkeypatch: pytest.MonkeyPatch
):
    client = client_for(users["board_member"])
    client.get("/scorecard/")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    later = sessions.time.time() + sessions.RENEW_AFTER_SECONDS + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    client.get("/scorecard/")
    left = (_expiry() - timezone.now()).total_seconds()
    assert abs(left - settings.SESSION_COOKIE_AGE) < 60


def test_a_signed_out_visitor_gets_no_session(db):
    assert Client().get("/login/").status_code == 200
    assert Client().get("/scorecard/").status_code == 302
    assert not Session.objects.exists()


def test_an_expired_session_cookie_is_not_brought_back(users, loaded):
    client = client_for(users["board_member"])
    client.get("/scorecard/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/scorecard/").status_code == 302
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
