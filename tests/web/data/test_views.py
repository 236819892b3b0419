from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from careboard.engine.store import write_dataset
from careboard.web.data.models import DataLoad, Target
from tests.web import factories
from tests.web.conftest import client_for


@pytest.fixture
def csv_files(tmp_path: Path) -> list[SimpleUploadedFile]:
    folder = write_dataset(factories.tables(), tmp_path / "csv", fmt="csv")
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.glob("*.csv"))]


def test_an_upload_becomes_the_current_load_and_shows_its_report(users, csv_files, db):
    client = client_for(users["performance_lead"])
    response = client.post("/data/upload/", {"files": csv_files}, follow=True)
    assert response.status_code == 200
    load = DataLoad.objects.get()
    assert load.is_current and load.created_by_name == "performance_lead"
    assert load.row_counts["ssd_person"] == 3
    html = response.content.decode()
    assert "Rows stored by table" in html and "ssd_person" in html


def test_an_upload_with_errors_changes_nothing_and_reports_them(users, loaded, db):
    bad = SimpleUploadedFile(
        "ssd_person.csv", b"pers_person_id,pers_dob\nC9,31/02/2020\n", content_type="text/csv"
    )
    client = client_for(users["performance_lead"])
    response = client.post("/data/upload/", {"files": [bad]}, follow=True)
    html = response.content.decode()
    refused = DataLoad.objects.exclude(pk=loaded.pk).get()
    assert refused.status == DataLoad.Status.REFUSED
    assert DataLoad.objects.get(is_current=True).pk == loaded.pk
    assert "not loaded" in html
    assert "DATE_IMPOSSIBLE" in html and "31/02/2020" in html


def test_an_upload_needs_files(users, db):
    response = client_for(users["performance_lead"]).post("/data/upload/", {})
    assert response.status_code == 400


def test_the_load_history_lists_loads(users, loaded):
    html = client_for(users["administrator"]).get("/data/").content.decode()
    assert f"Load {loaded.pk}" in html and "Current" in html


def test_the_performance_lead_sets_a_target_with_a_reason(users, loaded):
    client = client_for(users["performance_lead"])
    response = client.post(
        "/targets/TV01/", {"from_date": "2026-04-01", "lower": "70", "upper": "95", "reason": "Board agreed"}
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.from_date, target.lower, target.upper, target.set_by_name) == (
        date(2026, 4, 1),
        70.0,
        95.0,
        "performance_lead",
    )


def test_a_target_without_a_reason_or_with_a_bad_date_is_refused(users, loaded):
    client = client_for(users["performance_lead"])
    response = client.post(
        "/targets/TV01/", {"from_date": "April", "lower": "70", "upper": "95", "reason": ""}
    )
    assert response.status_code == 400
    assert "Enter the reason" in response.content.decode()
    assert Target.objects.count() == 0


def test_a_new_target_changes_the_open_months_rag(users, loaded):
    client = client_for(users["performance_lead"])
    client.post("/targets/TV01/", {"from_date": "2025-01-01", "lower": "0", "upper": "10", "reason": "test"})
    html = client.get("/scorecard/?month=2026-02-28").content.decode()
    assert ">Red<" not in html


def test_a_month_with_a_red_indicator_and_no_commentary_is_not_signed_off(users, loaded):
    from careboard.web.data import closing
    from careboard.web.data.models import Commentary, MonthClose

    closing.close_month(date(2026, 2, 28), "pat")
    client = client_for(users["performance_lead"])
    html = client.get("/data/months/2026-02-28/").content.decode()
    assert "Children visited in the last 30 days" in html and "Missing" in html
    html = client.post("/data/months/2026-02-28/sign-off/", follow=True).content.decode()
    assert "Not signed off" in html and "TV01" in html
    assert MonthClose.objects.get().signed_off_at is None
    Commentary.objects.create(
        indicator_id="TV01", period_end=date(2026, 2, 28), text="Why", written_by_name="p"
    )
    client.post("/data/months/2026-02-28/sign-off/")
    assert MonthClose.objects.get().signed_off_by_name == "performance_lead"


def test_an_open_month_has_no_month_page(users, loaded):
    assert client_for(users["performance_lead"]).get("/data/months/2026-01-31/").status_code == 404
    assert client_for(users["performance_lead"]).get("/data/months/January/").status_code == 404


def test_targets_the_wrong_way_round_for_the_polarity_are_refused(users, loaded):
    client = client_for(users["performance_lead"])
    response = client.post(
        "/targets/TV01/", {"from_date": "2026-04-01", "lower": "95", "upper": "60", "reason": "r"}
    )
    assert response.status_code == 400
    assert "must not be above the upper target" in response.content.decode()
    assert Target.objects.count() == 0


HEADER_903 = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,M,01/02/2012,WBRI,UN2,,\n"
EPISODES_903 = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    b"A1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n"
)


def _903_files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("header.csv", HEADER_903, "text/csv"),
        SimpleUploadedFile("episodes.csv", EPISODES_903, "text/csv"),
    ]


def test_an_upload_says_which_collection_year_a_903_return_was_read_as(users, db):
    client = client_for(users["performance_lead"])
    html = client.post("/data/upload/", {"files": _903_files()}, follow=True).content.decode()
    assert "SSDA903 return read as 2024/25 (from the dates in the return" in html
    given = {"files": _903_files(), "year": "2026"}
    html = client.post("/data/upload/", given, follow=True).content.decode()
    assert "SSDA903 return read as 2025/26 (the year given)" in html
    assert "RETURN_YEAR_DIFFERS" in html


def test_an_upload_refuses_a_collection_year_that_is_not_a_year(users, db):
    response = client_for(users["performance_lead"]).post(
        "/data/upload/", {"files": _903_files(), "year": "24/25"}
    )
    assert response.status_code == 400
    assert "the year it ends in" in response.content.decode()
    assert not DataLoad.objects.exists()
