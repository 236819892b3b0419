"""The shared test helpers: a missing browser or axe-core skips locally and fails in CI."""

import pytest

from tests.conftest import missing


def test_something_missing_skips_with_its_reason_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        missing("chromium is not installed")


def test_something_missing_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        missing("chromium is not installed")
