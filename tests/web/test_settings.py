import pytest

from careboard.web import settings as s


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert s.env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert s.env_bool("X_FLAG", True) is False


def test_env_bool_fails_loudly_on_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ValueError, match="X_FLAG"):
        s.env_bool("X_FLAG", False)


def test_env_int_refuses_text_and_too_small_values(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ValueError, match="whole number"):
        s.env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ValueError, match="at least 1"):
        s.env_int("X_INT", 1)


def test_a_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("CAREBOARD_SECRET_KEY", "short")
    with pytest.raises(ValueError, match="50 characters"):
        s._secret_key(tmp_path)


def test_a_secret_key_is_made_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("CAREBOARD_SECRET_KEY", raising=False)
    first = s._secret_key(tmp_path)
    assert s._secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
