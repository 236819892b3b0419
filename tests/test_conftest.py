"""The shared test helpers: a missing browser, axe-core or reference file skips locally, fails in CI."""

import os
from pathlib import Path

import pytest

from tests import conftest as shared_helpers
from tests.conftest import SHARED, missing, require_shared


def test_something_missing_skips_with_its_reason_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        missing("chromium is not installed")


def test_something_missing_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        missing("chromium is not installed")


def test_a_shared_file_present_is_returned(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_helpers, "SHARED", tmp_path)
    (tmp_path / "reference").mkdir()
    assert require_shared("reference") == tmp_path / "reference"


def test_a_shared_file_absent_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_helpers, "SHARED", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="samples is not present"):
        require_shared("samples")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="samples is not present"):
        require_shared("samples")


def test_the_shared_folder_sits_beside_the_checkout_unless_configured():
    if "CAREBOARD_SHARED" not in os.environ:
        assert Path(__file__).resolve().parents[1].parent / "shared" == SHARED
