import io
from datetime import date

import docx
import pypdf
import pytest

from careboard.web.audit.models import AuditEvent
from careboard.web.data import closing
from careboard.web.data.models import Commentary, LoadIssue
from tests.web.conftest import client_for

FEB = date(2026, 2, 28)
DOWNLOAD = "/reports/download/"


@pytest.fixture
def closed(loaded):
    closing.close_month(FEB, "pat")
    return loaded


def _get(user, **params):
    return client_for(user).get(DOWNLOAD, params)


def test_the_reports_page_offers_closed_months_first_and_defaults_to_the_latest_closed(users, closed):
    html = client_for(users["board_member"]).get("/reports/").content.decode()
    feb = html.index('value="2026-02-28" selected')
    assert feb < html.index('value="2026-03-15"')  # the open month (data to 15 March) comes after
    assert 'href="/reports/" aria-current="page">Reports<' in html


def test_the_navigation_links_to_reports_only_for_roles_that_may_download(users, closed):
    assert 'href="/reports/"' in client_for(users["elected_member"]).get("/scorecard/").content.decode()
    assert 'href="/reports/"' not in client_for(users["administrator"]).get("/data/").content.decode()


def test_an_elected_member_is_offered_the_members_and_public_editions_only(users, closed):
    html = client_for(users["elected_member"]).get("/reports/").content.decode()
    assert 'value="members"' in html and 'value="public"' in html
    assert 'value="board"' not in html


def test_a_team_manager_chooses_among_their_own_teams(users, closed):
    html = client_for(users["team_manager"]).get("/reports/").content.decode()
    assert 'value="T1"' in html and 'value="T3"' not in html


def test_the_word_report_downloads_as_a_word_document_named_for_month_and_audience(users, closed):
    response = _get(users["board_member"], month="2026-02-28", format="docx", audience="board")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="improvement-summary-2026-02-board.docx"'
    )
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Northbridge Council" in text


def test_the_pdf_report_downloads_as_a_pdf_with_the_scorecard_indicators(users, closed):
    response = _get(users["performance_lead"], month="2026-02-28", format="pdf", audience="members")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('filename="improvement-summary-2026-02-members.pdf"')
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Children visited in the last 30 days" in " ".join(text.split())


def test_the_html_report_carries_the_commentary_stored_for_the_month(users, closed):
    Commentary.objects.create(
        indicator_id="TV01", period_end=FEB, text="Visits fell in February.", written_by_name="pat"
    )
    Commentary.objects.create(
        indicator_id="TV01", period_end=date(2026, 1, 31), text="January's note.", written_by_name="pat"
    )
    response = _get(users["board_member"], month="2026-02-28", format="html", audience="board")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "Visits fell in February." in html
    assert "January&#x27;s note." not in html and "January's note." not in html


def test_a_team_report_is_named_for_the_team(users, closed):
    response = _get(users["team_manager"], month="2026-02-28", team="T1", format="html", audience="board")
    assert response.status_code == 200
    assert 'filename="improvement-summary-2026-02-north-one-board.html"' in response["Content-Disposition"]


def test_the_data_note_counts_the_loads_issues_without_their_values(users, closed):
    LoadIssue.objects.create(
        load=closed,
        level="warning",
        code="dob_missing",
        message="C1 has no date of birth",
        table="ssd_person",
    )
    html = _get(users["board_member"], month="2026-02-28", format="html", audience="public").content.decode()
    assert (
        "1 warning &#x27;dob_missing&#x27; in ssd_person" in html
        or "1 warning 'dob_missing' in ssd_person" in html
    )
    assert "C1 has no date of birth" not in html


def test_each_download_is_recorded_in_the_audit_trail(users, closed):
    _get(users["team_manager"], month="2026-02-28", team="T1", format="pdf", audience="board")
    event = AuditEvent.objects.get()
    assert (event.username, event.role, event.action) == ("team_manager", "team_manager", "download_report")
    assert event.filters == {"month": "2026-02-28", "team": "T1", "format": "pdf", "audience": "board"}
    assert event.subject == "improvement-summary-2026-02-north-one-board.pdf"
    assert event.person_id == ""


@pytest.mark.parametrize(
    ("role", "audience", "status"),
    [
        ("elected_member", "board", 403),
        ("elected_member", "members", 200),
        ("elected_member", "public", 200),
        ("social_worker", "members", 403),
        ("social_worker", "public", 200),
        ("auditor", "board", 403),
        ("senior_leader", "board", 200),
        ("service_manager", "board", 200),
    ],
)
def test_the_audience_a_user_may_download_is_bounded_by_role(users, closed, role, audience, status):
    response = _get(users[role], month="2026-02-28", format="html", audience=audience)
    assert response.status_code == status
    assert AuditEvent.objects.count() == (1 if status == 200 else 0)


def test_a_team_outside_the_users_scope_is_not_found_and_not_recorded(users, closed):
    response = _get(users["team_manager"], month="2026-02-28", team="T3", format="html", audience="board")
    assert response.status_code == 404
    assert AuditEvent.objects.count() == 0


def test_an_unknown_team_is_not_found(users, closed):
    response = _get(users["board_member"], month="2026-02-28", team="T9", format="html", audience="board")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "2025-13-01", "format": "html", "audience": "board"}, "Choose a month from the list"),
        ({"month": "2020-01-31", "format": "html", "audience": "board"}, "Choose a month from the list"),
        ({"month": "2026-02-28", "format": "xlsx", "audience": "board"}, "Choose Word, PDF or web page"),
        ({"month": "2026-02-28", "format": "html", "audience": "cabinet"}, "Choose who the report is for"),
        ({}, "Choose a month from the list"),
    ],
)
def test_a_bad_choice_is_a_form_error_not_a_file(users, closed, params, message):
    response = _get(users["board_member"], **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AuditEvent.objects.count() == 0


def test_without_data_the_page_says_so(users, db):
    response = client_for(users["board_member"]).get("/reports/")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_a_members_team_report_for_the_open_month_downloads(users, closed, fmt):
    response = _get(users["elected_member"], month="2026-03-15", team="T2", format=fmt, audience="members")
    assert response.status_code == 200
    assert 'filename="improvement-summary-2026-03-' in response["Content-Disposition"]
    assert response.content
