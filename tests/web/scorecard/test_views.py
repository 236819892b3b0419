from datetime import date

from careboard.web.audit.models import AuditEvent
from careboard.web.data import closing
from careboard.web.data.models import Commentary
from tests.web.conftest import client_for

FEB = date(2026, 2, 28)


def test_the_scorecard_shows_each_indicator_with_value_counts_targets_and_rag_in_words(users, loaded):
    html = client_for(users["board_member"]).get("/scorecard/?month=2026-02-28").content.decode()
    assert "Children visited in the last 30 days" in html
    assert "0.0%" in html and "0 of 3" in html  # nobody visited in the 30 days to 28 Feb
    assert "60.0%" in html and "90.0%" in html
    assert ">Red<" in html  # RAG as text, not colour alone
    assert "<caption>Children in need</caption>" in html and "<caption>Workforce</caption>" in html


def test_the_scorecard_reads_a_closed_month_from_storage(users, loaded):
    closing.close_month(date(2026, 2, 28), "pat")
    html = client_for(users["board_member"]).get("/scorecard/").content.decode()
    assert "This month is closed" in html
    assert "Scorecard: February 2026" in html


def test_an_open_month_is_labelled_as_such(users, loaded):
    html = client_for(users["board_member"]).get("/scorecard/?month=2026-03-15").content.decode()
    assert "This month is open" in html


def test_a_team_scorecard_shows_only_that_team(users, loaded):
    html = client_for(users["team_manager"]).get("/scorecard/?month=2026-03-15&team=T1").content.decode()
    assert "North one" in html
    assert "100.0%" in html and "1 of 1" in html  # C1 was visited on 10 March


def test_a_team_outside_scope_is_not_found(users, loaded):
    response = client_for(users["team_manager"]).get("/scorecard/?team=T3")
    assert response.status_code == 404
    assert client_for(users["team_manager"]).get("/indicators/TV01/?team=T3").status_code == 404


def test_elected_members_see_small_numbers_withheld(users, loaded):
    html = client_for(users["elected_member"]).get("/scorecard/?month=2026-03-15").content.decode()
    assert "[c]" in html
    assert "1 of 3" not in html and "33.3%" not in html


def test_the_indicator_page_has_definition_trend_and_breakdowns(users, loaded):
    html = client_for(users["performance_lead"]).get("/indicators/TV01/?month=2026-03-15").content.decode()
    assert "Allocated children seen in the 30 days" in html
    assert '<svg class="app-chart" role="img"' in html
    assert "<caption>By team, March 2026</caption>" in html
    assert "<caption>By worker, March 2026</caption>" in html and "Ann Worker" in html
    assert "Children behind this number" in html


def test_aggregate_roles_get_no_worker_breakdown_or_children_link(users, loaded):
    html = client_for(users["board_member"]).get("/indicators/TV01/?month=2026-03-15").content.decode()
    assert "By worker" not in html and "Ann Worker" not in html
    assert "Children behind this number" not in html


def test_a_team_manager_sees_only_their_teams_workers(users, loaded):
    html = client_for(users["team_manager"]).get("/indicators/TV01/?month=2026-03-15").content.decode()
    assert "Ann Worker" in html and "Bob Worker" not in html


def test_the_children_behind_a_number_are_listed_and_the_view_is_audited(users, loaded):
    client = client_for(users["team_manager"])
    html = client.get("/indicators/TV01/children/?month=2026-02-28").content.decode()
    assert "Alex One" in html  # C1, team T1
    assert "Blake Two" not in html and "Casey Three" not in html  # other teams
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.subject, event.count) == (
        "team_manager",
        "view_indicator_children",
        "TV01",
        1,
    )
    assert event.filters["month"] == "2026-02-28"


def test_the_export_is_audited_with_its_row_count(users, loaded):
    response = client_for(users["performance_lead"]).get("/indicators/TV01/children.csv?month=2026-02-28")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("person_id,name")
    assert len(body.splitlines()) == 4
    event = AuditEvent.objects.get()
    assert (event.action, event.count) == ("export_indicator_children", 3)


def test_a_staff_indicator_has_no_children_page(users, loaded):
    assert client_for(users["performance_lead"]).get("/indicators/TW01/children/").status_code == 404
    assert AuditEvent.objects.count() == 0


def test_the_performance_lead_writes_commentary(users, loaded):
    client = client_for(users["performance_lead"])
    client.post("/indicators/TV01/commentary/", {"month": "2026-02-28", "text": "Visits fell."})
    assert Commentary.objects.get().text == "Visits fell."
    html = client.get("/indicators/TV01/?month=2026-02-28").content.decode()
    assert "Visits fell." in html


def test_a_second_team_is_withheld_so_a_small_one_cannot_be_worked_out():
    from careboard.web.data.values import Value
    from careboard.web.scorecard.views import _secondary
    from tests.web.factories import VISITS

    def team(group_id, numerator, denominator):
        return Value("TV01", FEB, FEB, "team", group_id, numerator, denominator, None, None, None, "")

    values = [team("T1", 2.0, 3.0), team("T2", 40.0, 50.0), team("T3", 60.0, 80.0)]
    assert _secondary(VISITS, values) == {"T1", "T2"}
    assert _secondary(VISITS, [team("T2", 40.0, 50.0), team("T3", 60.0, 80.0)]) == set()


def test_a_recomputed_month_is_shown_at_once_despite_the_rendered_cache(users, loaded):
    from careboard.web.data.models import Target

    closing.close_month(FEB, "pat")
    client = client_for(users["board_member"])
    assert ">Red<" in client.get("/scorecard/?month=2026-02-28").content.decode()
    Target.objects.create(
        indicator_id="TV01", from_date=date(2025, 1, 1), lower=0, upper=50, set_by_name="p", reason="r"
    )
    closing.close_month(FEB, "pat", recompute=True, reason="new targets")
    assert ">Red<" not in client.get("/scorecard/?month=2026-02-28").content.decode()


def test_exported_cells_cannot_run_as_spreadsheet_formulas():
    from careboard.web.scorecard.views import _safe_cell

    assert _safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _safe_cell("@SUM") == "'@SUM"
    assert _safe_cell("C1") == "C1"
    assert _safe_cell(None) == ""
