from tests.web.conftest import client_for


def test_pages_carry_a_strict_content_security_policy_and_are_not_cached(users, loaded):
    response = client_for(users["board_member"]).get("/scorecard/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(users, loaded):
    html = client_for(users["performance_lead"]).get("/indicators/TV01/").content.decode()
    assert "<script" not in html
    assert "style=" not in html and "<style" not in html


def test_the_session_expires_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # renewed by careboard.web.sessions at most once a minute (tests/web/test_sessions.py)
    assert "careboard.web.sessions.RenewIdleSessionMiddleware" in settings.MIDDLEWARE


def test_an_idle_session_past_its_expiry_is_sent_to_sign_in(users, loaded):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for(users["board_member"])
    assert client.get("/scorecard/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/scorecard/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_each_request_pushes_the_idle_expiry_forward(users, loaded, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for(users["board_member"])
    client.get("/scorecard/")
    expiry = Session.objects.get().expire_date
    assert abs((expiry - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60
