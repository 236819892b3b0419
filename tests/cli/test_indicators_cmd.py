import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from careboard.cli import main
from careboard.engine.indicators import docs
from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.schema import table
from careboard.engine.store import write_dataset

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "council"
    plans = pl.DataFrame(
        {
            "cppl_cp_plan_id": ["p1", "p2", "p3"],
            "cppl_person_id": ["A", "B", "C"],
            "cppl_cp_plan_start_date": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 20)],
        }
    )
    visits = pl.DataFrame(
        {"cppv_cp_visit_id": ["v1"], "cppv_person_id": ["A"], "cppv_cp_visit_date": [date(2025, 3, 25)]}
    )
    involvements = pl.DataFrame(
        {
            "invo_involvements_id": ["i1", "i2", "i3"],
            "invo_person_id": ["A", "B", "C"],
            "invo_professional_id": ["W1", "W2", "W2"],
            "invo_professional_team": ["T1", "T2", "T2"],
            "invo_involvement_start_date": [date(2025, 1, 1)] * 3,
        }
    )
    write_dataset(
        {
            "ssd_cp_plans": table("ssd_cp_plans").conform(plans),
            "ssd_cp_visits": table("ssd_cp_visits").conform(visits),
            "ssd_involvements": table("ssd_involvements").conform(involvements),
        },
        folder,
    )
    return folder


def _run(*args):
    return CliRunner().invoke(main, ["indicators", *args])


def test_list_shows_every_indicator():
    result = _run("list")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(catalogue())
    assert "cp_visits_in_time" in result.output


def test_explain_prints_all_metadata():
    result = _run("explain", "assessments_45wd")
    assert result.exit_code == 0
    for field in (
        "definition",
        "numerator",
        "denominator",
        "timescale_ref",
        "national_ref",
        "lower",
        "upper",
    ):
        assert field in result.output
    assert "CIN05" in result.output and "TS02" in result.output


def test_unknown_id_is_a_usage_error():
    result = _run("explain", "no_such")
    assert result.exit_code == 2
    assert "unknown indicator 'no_such'" in result.output
    assert "Traceback" not in result.output


def test_compute_json_gives_targets_rag_and_direction(data_dir):
    result = _run(
        "compute",
        "--data",
        str(data_dir),
        "--as-at",
        "2025-03-31",
        "--months",
        "2",
        "--format",
        "json",
        "--indicator",
        "cp_visits_in_time",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["period_end"] for r in rows] == ["2025-02-28", "2025-03-31"]
    latest = rows[-1]
    # A visited 25 March, C's plan is new; B has not been visited since 1 February
    assert (latest["numerator"], latest["denominator"]) == (2.0, 3.0)
    assert (latest["lower"], latest["upper"], latest["rag"]) == (80.0, 95.0, "red")
    assert rows[0]["direction"] is None and latest["direction"] == "improving"


def test_compute_by_team_as_csv_with_targets_file(data_dir, tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text("indicator_id,from_date,lower,upper\ncp_visits_in_time,2025-01-01,40,60\n")
    result = _run(
        "compute",
        "--data",
        str(data_dir),
        "--as-at",
        "2025-03-31",
        "--by",
        "team",
        "--format",
        "csv",
        "--indicator",
        "cp_visits_in_time",
        "--targets",
        str(targets),
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(result.output.encode())
    assert frame.select("group", "value", "lower", "rag").rows() == [
        ("T1", 100.0, 40.0, "green"),
        ("T2", 50.0, 40.0, "amber"),
    ]


def test_compute_table_for_the_whole_catalogue(data_dir):
    result = _run("compute", "--data", str(data_dir), "--as-at", "2025-03-31")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == len(catalogue()) + 2


def test_children_lists_the_rows_most_overdue_first(data_dir):
    result = _run(
        "children", "cp_visits_in_time", "--data", str(data_dir), "--as-at", "2025-03-31", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(result.output.encode())
    assert frame["person_id"].to_list()[0] == "B"
    team = _run(
        "children", "cp_visits_in_time", "--data", str(data_dir), "--as-at", "2025-03-31", "--team", "T1"
    )
    assert "cp_visits_in_time: 1 rows" in team.output


@pytest.mark.parametrize(
    "args",
    [
        ["compute", "--data", "/no/such/folder", "--as-at", "2025-03-31"],
        ["compute", "--data", ".", "--as-at", "31/03/2025"],
        ["children", "no_such", "--data", ".", "--as-at", "2025-03-31"],
        ["compute", "--data", ".", "--as-at", "2025-03-31", "--by", "area"],
    ],
)
def test_bad_input_is_a_clean_usage_error(args):
    result = _run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_docs_command_writes_the_generated_file(tmp_path):
    out = tmp_path / "indicators.md"
    result = _run("docs", "--out", str(out))
    assert result.exit_code == 0
    assert out.read_text() == docs.render(catalogue())


def test_committed_docs_are_up_to_date():
    committed = (ROOT / "docs" / "indicators.md").read_text()
    assert committed == docs.render(catalogue()), "run: careboard indicators docs --out docs/indicators.md"


def test_docs_describe_every_indicator_and_setting():
    text = docs.render(catalogue())
    for indicator_id, ind in catalogue().items():
        assert f"### {indicator_id}\n" in text
        assert ind.definition in text
    assert "| `cp_visit_working_days` | 10 |" in text


def test_a_bad_targets_file_is_a_usage_error(data_dir, tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text("indicator_id,from_date,lower,upper\ncp_visits_in_time,April 2025,40,60\n")
    result = _run("compute", "--data", str(data_dir), "--as-at", "2025-03-31", "--targets", str(targets))
    assert result.exit_code == 2
    assert "line 2" in result.output
    assert "Traceback" not in result.output


def test_a_folder_that_is_not_canonical_data_is_a_usage_error(tmp_path):
    (tmp_path / "ssd_cp_plans.parquet").write_bytes(b"not a parquet file")
    result = _run("compute", "--data", str(tmp_path), "--as-at", "2025-03-31")
    assert result.exit_code == 2
    assert "cannot read the canonical data" in result.output
