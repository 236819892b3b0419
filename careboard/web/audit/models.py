"""AuditEvent: who looked at which child-level data, when, how, and how many records.

Append-only: the model refuses to update or delete in code (instance and queryset), and on
PostgreSQL a trigger refuses UPDATE and DELETE from any client (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)  # kept as written, whatever happens to the user
    role = models.CharField(max_length=32)
    action = models.CharField(max_length=64)  # e.g. view_child, view_indicator_children, export
    person_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    subject = models.CharField(max_length=200, blank=True, default="")  # list or indicator id
    filters = models.JSONField(default=dict, blank=True)
    count = models.IntegerField(default=0)  # records shown or exported
    path = models.CharField(max_length=500)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = (
            "-at",
            "-id",
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")
