from click.testing import CliRunner

from careboard.cli import main
from careboard.engine.store import read_dataset


def test_generate_writes_a_dataset_and_says_what_it_made(tmp_path):
    out = tmp_path / "council"
    args = ["generate", "--out", str(out), "--population", "1500", "--start", "2025-01", "--end", "2025-12"]
    result = CliRunner().invoke(main, [*args, "--journey", "improving", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "children" in result.output and "referrals" in result.output and str(out) in result.output
    data = read_dataset(out)
    assert data["ssd_person"].height > 0
    assert data["cb_staff"].height > 0


def test_generate_writes_csv_when_asked(tmp_path):
    out = tmp_path / "csv"
    args = ["generate", "--out", str(out), "--population", "1000", "--start", "2025-06", "--end", "2025-12"]
    result = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (out / "ssd_cin_episodes.csv").exists()


def test_generate_rejects_a_bad_month(tmp_path):
    result = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "x"), "--end", "March"])
    assert result.exit_code != 0
    assert "not a month" in result.output


def test_calibrate_reads_a_dataset_and_writes_markdown(tmp_path):
    out = tmp_path / "council"
    runner = CliRunner()
    gen = ["generate", "--out", str(out), "--population", "3000", "--start", "2024-04", "--end", "2026-03"]
    assert runner.invoke(main, gen).exit_code == 0
    md = tmp_path / "cal.md"
    result = runner.invoke(main, ["calibrate", "--data", str(out), "--markdown", str(md)])
    assert "| Referrals per 10,000 (year) |" in result.output
    assert result.exit_code in (0, 1)  # a small council may miss a measure; the table is still written
    assert md.read_text().startswith("# Calibration of the synthetic council")


def test_the_default_run_is_the_five_years_to_the_end_month():
    from datetime import date

    from careboard.cli.generate_cmd import _five_years_before

    assert _five_years_before(date(2026, 3, 31)) == date(2021, 4, 1)
    assert _five_years_before(date(2025, 12, 31)) == date(2021, 1, 1)
