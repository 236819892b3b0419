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
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
