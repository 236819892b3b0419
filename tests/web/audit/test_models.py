import pytest
from django.db import connection
from django.test import RequestFactory

from careboard.web.audit.models import AppendOnlyError, AuditEvent
from careboard.web.audit.trail import record


@pytest.fixture
def event(users):
    request = RequestFactory().get("/children/C1/?x=1")
    request.user = users["team_manager"]
    return record(request, "view_child", person_id="C1", count=3)


def test_record_keeps_who_what_which_child_and_where(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.username, stored.role, stored.action, stored.person_id, stored.count) == (
        "team_manager",
        "team_manager",
        "view_child",
        "C1",
        3,
    )
    assert stored.path == "/children/C1/?x=1"


def test_an_event_cannot_be_changed(event):
    event.count = 99
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(count=99)
    assert AuditEvent.objects.get(pk=event.pk).count == 3


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_raw_updates_and_deletes(event):
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE audit_auditevent SET count = 0", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 1
