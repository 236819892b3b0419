from careboard.web.audit.models import AuditEvent
from tests.web.conftest import client_for


def test_a_social_worker_sees_overdue_items_on_their_own_caseload(users, loaded):
    # data to 15 March: C1 (W1's) was visited on 10 March, so nothing is overdue for W1
    html = client_for(users["social_worker"]).get("/worklists/mine/").content.decode()
    assert "Nothing due or overdue" in html
    event = AuditEvent.objects.get()
    assert (event.action, event.subject) == ("view_worklist", "worker:W1")


def test_a_team_manager_sees_their_teams_items_with_days_overdue(users, loaded, monkeypatch):
    client = client_for(users["service_manager"])
    html = client.get("/worklists/team/T2/").content.decode()
    assert "Blake Two" in html  # C2 was never visited: due 31 Jan 2025
    assert "days overdue" in html
    assert "Alex One" not in html


def test_a_team_outside_scope_is_not_found_and_not_audited(users, loaded):
    response = client_for(users["team_manager"]).get("/worklists/team/T3/")
    assert response.status_code == 404
    assert AuditEvent.objects.count() == 0


def test_worklists_can_be_sorted_and_filtered(users, loaded):
    client = client_for(users["performance_lead"])
    assert client.get("/worklists/team/T2/?sort=due").status_code == 200
    html = client.get("/worklists/team/T2/?kind=Nothing").content.decode()
    assert "Blake Two" not in html
