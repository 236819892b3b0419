from careboard.web.audit.models import AuditEvent
from tests.web.conftest import client_for


def test_the_child_record_shows_a_chronology_and_key_dates_and_is_audited(users, loaded):
    html = client_for(users["social_worker"]).get("/children/C1/").content.decode()
    assert "Alex One" in html
    assert "Child in need visit" in html and "Contact" in html and "Allocated" in html
    assert "1 January 2015" in html  # date of birth
    assert "North one" in html and "Ann Worker" in html
    event = AuditEvent.objects.get()
    assert (event.username, event.action, event.person_id) == ("social_worker", "view_child", "C1")
    assert event.path == "/children/C1/"


def test_a_child_outside_scope_is_not_found_and_nothing_is_written(users, loaded):
    for role, child in [("social_worker", "C2"), ("team_manager", "C3"), ("service_manager", "C3")]:
        assert client_for(users[role]).get(f"/children/{child}/").status_code == 404
    assert AuditEvent.objects.count() == 0


def test_an_unknown_child_is_not_found(users, loaded):
    assert client_for(users["performance_lead"]).get("/children/NOPE/").status_code == 404


def test_an_iro_sees_the_children_they_review_outside_their_team(users, loaded):
    assert client_for(users["iro"]).get("/children/C1/").status_code == 200


def test_search_finds_children_in_scope_only_and_is_audited(users, loaded):
    html = client_for(users["team_manager"]).get("/children/?q=o").content.decode()
    assert "Alex One" in html and "Blake Two" not in html
    event = AuditEvent.objects.get()
    assert (event.action, event.filters, event.count) == ("search_children", {"q": "o"}, 1)


def test_the_empty_search_page_writes_nothing(users, loaded):
    assert client_for(users["auditor"]).get("/children/").status_code == 200
    assert AuditEvent.objects.count() == 0
