import os
import subprocess
import sys
from datetime import date

from careboard.cli.demo_cmd import last_complete_month


def test_last_complete_month_is_the_month_before():
    assert last_complete_month(date(2026, 11, 26)) == "2026-10"
    assert last_complete_month(date(2026, 1, 1)) == "2025-12"


def run_demo(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CAREBOARD_VAR_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "careboard.cli",
            "demo",
            "--data",
            str(tmp_path / "data"),
            "--no-serve",
            *args,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_demo_generates_loads_closes_and_creates_users_then_reuses_them(tmp_path):
    first = run_demo(tmp_path, "--population", "1500", "--end", "2026-03", "--months", "2")
    assert first.returncode == 0, first.stderr
    assert "Generating a synthetic council of 1,500 children" in first.stdout
    assert "2026-02-28: closed" in first.stdout and "2026-03-31: closed" in first.stdout
    assert "board_member" in first.stdout and "Password for every demo user" in first.stdout
    assert (tmp_path / "data" / "ssd_person.parquet").exists()

    again = run_demo(tmp_path, "--population", "1500", "--end", "2026-03", "--months", "2")
    assert again.returncode == 0, again.stderr
    assert "Using the synthetic council already in" in again.stdout
    assert "Using the data already loaded" in again.stdout
    assert "2026-03-31: already closed" in again.stdout
