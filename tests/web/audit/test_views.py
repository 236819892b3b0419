from careboard.web.audit.models import AuditEvent
from tests.web.conftest import client_for


def test_the_administrator_reads_the_trail_and_can_filter_it(users, loaded):
    client_for(users["social_worker"]).get("/children/C1/")
    client_for(users["team_manager"]).get("/children/?q=Alex")
    admin = client_for(users["administrator"])
    html = admin.get("/audit/").content.decode()
    assert "2 events" in html and "view_child" in html and "search_children" in html
    html = admin.get("/audit/?child=C1").content.decode()
    assert "1 event" in html and "search_children" not in html


def test_reading_the_trail_is_not_itself_a_child_level_view(users, loaded):
    client_for(users["administrator"]).get("/audit/")
    assert AuditEvent.objects.count() == 0
