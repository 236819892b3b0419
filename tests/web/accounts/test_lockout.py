import pytest
from django.test import Client
from django.urls import reverse

from careboard.web.accounts.models import FailedLogin, User


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="correct horse battery", role="team_manager")


def attempt(password: str):
    return Client().post(reverse("login"), {"username": "alice", "password": password})


def test_the_right_password_signs_in(alice):
    response = attempt("correct horse battery")
    assert response.status_code == 302


def test_five_failures_lock_the_account_even_against_the_right_password(alice, settings):
    for _ in range(settings.LOCKOUT_ATTEMPTS):
        assert attempt("wrong").status_code == 200
    response = attempt("correct horse battery")
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_four_failures_do_not_lock_and_success_clears_them(alice, settings):
    for _ in range(settings.LOCKOUT_ATTEMPTS - 1):
        attempt("wrong")
    assert attempt("correct horse battery").status_code == 302
    assert FailedLogin.objects.filter(username="alice").count() == 0


def test_failures_older_than_the_window_do_not_count(alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(settings.LOCKOUT_ATTEMPTS):
        attempt("wrong")
    old = timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES + 1)
    FailedLogin.objects.update(at=old)
    assert attempt("correct horse battery").status_code == 302


def test_passwords_shorter_than_twelve_characters_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Sh0rt!pass")
    validate_password("a much longer passphrase 7")
