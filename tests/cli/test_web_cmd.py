from pathlib import Path

import pytest
from click.testing import CliRunner

from careboard.cli import main
from careboard.engine.store import write_dataset
from careboard.web.accounts.models import Role, User
from careboard.web.data import values
from careboard.web.data.models import DataLoad, MonthClose
from tests.web import factories


@pytest.fixture(autouse=True)
def _small_catalogue(monkeypatch, settings, tmp_path):
    settings.CACHE_DIR = tmp_path / "cache"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(values, "indicators", lambda: dict(factories.CATALOGUE))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_dataset(factories.tables(), tmp_path / "council")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_load_then_close_months(db, folder):
    result = run("load", str(folder))
    assert result.exit_code == 0, result.output
    assert "data to 2026-03-15" in result.output
    assert DataLoad.objects.get().is_current
    result = run("close-month", "--as-at", "2026-02-28", "--months", "2")
    assert result.exit_code == 0, result.output
    assert sorted(str(c.period_end) for c in MonthClose.objects.all()) == ["2026-01-31", "2026-02-28"]


def test_closing_again_needs_recompute_and_a_reason(db, folder):
    run("load", str(folder))
    run("close-month", "--as-at", "2026-02-10")
    assert run("close-month", "--as-at", "2026-02-10").exit_code == 1
    assert run("close-month", "--as-at", "2026-02-10", "--recompute").exit_code == 1
    ok = run("close-month", "--as-at", "2026-02-10", "--recompute", "--reason", "late data")
    assert ok.exit_code == 0, ok.output
    assert MonthClose.objects.filter(superseded=True).count() == 1


def test_create_demo_makes_one_user_per_role_scoped_to_the_data(db, folder):
    run("load", str(folder))
    result = run("users", "create-demo")
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    assert len(password) >= 12
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    worker = User.objects.get(role=Role.SOCIAL_WORKER)
    assert worker.team_ids and worker.professional_id
    assert worker.check_password(password)


def test_users_create_makes_a_scoped_user_and_refuses_unknown_roles(db):
    result = run("users", "create", "sam", "--role", "team_manager", "--teams", "T1, T2")
    assert result.exit_code == 0, result.output
    sam = User.objects.get(username="sam")
    assert (sam.role, sam.team_ids) == ("team_manager", ["T1", "T2"])
    assert sam.check_password(result.output.strip().rsplit(" ", 1)[-1])
    assert run("users", "create", "kim", "--role", "wizard").exit_code == 2
    assert run("users", "create", "sam", "--role", "auditor").exit_code == 1


def test_serve_runs_gunicorn_with_workers_that_load_the_application_after_the_fork():
    import subprocess
    import sys

    from careboard.cli.web_cmd import gunicorn_argv
    from careboard.web import gunicorn_conf

    argv = gunicorn_argv("127.0.0.1", 8123, 3, 2)
    assert argv[argv.index("--workers") + 1] == "3" and argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    # Polars does not survive a fork: the application must never be loaded in the master
    assert gunicorn_conf.preload_app is False and "--preload" not in argv
    assert argv[0] == sys.executable
    checked = subprocess.run([*argv, "--check-config"], capture_output=True, check=False)
    assert checked.returncode == 0, checked.stderr.decode()
