"""What careboard stores: each load of canonical data, closed months, targets and commentary.

A load keeps the canonical tables in the database, one ``LoadTable`` row per table holding the
table as Parquet bytes, so a load is written (and replaced as the current one) in one transaction
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class DataLoad(models.Model):
    class Status(models.TextChoices):
        LOADED = "loaded", "Loaded"
        REFUSED = "refused", "Refused (errors in the data)"

    # Names this load's disk cache: ids can repeat when a database is recreated, tokens do not.
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField(max_length=150)  # the user, or "cli:<login>" from the CLI
    files = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices)
    is_current = models.BooleanField(default=False)
    allowed_errors = models.BooleanField(default=False)
    row_counts = models.JSONField(default=dict)  # canonical table -> rows stored
    rows_read = models.JSONField(default=dict)  # source file/sheet -> rows seen
    error_count = models.IntegerField(default=0)
    warning_count = models.IntegerField(default=0)
    as_at = models.DateField(null=True, blank=True)  # the latest event the data holds

    class Meta:
        ordering = (
            "-created_at",
            "-id",
        )
        constraints = (
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_load"
            ),
        )

    def __str__(self) -> str:
        return f"load {self.pk} ({self.status}) by {self.created_by_name}"


class LoadTable(models.Model):
    load = models.ForeignKey(DataLoad, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(max_length=64)
    rows = models.IntegerField()
    parquet = models.BinaryField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=["load", "name"], name="one_table_per_load"),)


class LoadIssue(models.Model):
    load = models.ForeignKey(DataLoad, on_delete=models.CASCADE, related_name="issues")
    level = models.CharField(max_length=16)
    code = models.CharField(max_length=64)
    message = models.TextField()
    file = models.CharField(max_length=500, blank=True, default="")
    table = models.CharField(max_length=200, blank=True, default="")
    row = models.IntegerField(null=True, blank=True)
    column = models.CharField(max_length=200, blank=True, default="")
    value = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("id",)


class MonthClose(models.Model):
    """A month signed off: its values were computed from ``load`` and stored."""

    period_end = models.DateField(db_index=True)
    load = models.ForeignKey(DataLoad, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by_name = models.CharField(max_length=150)
    recompute = models.BooleanField(default=False)
    reason = models.TextField(blank=True, default="")
    superseded = models.BooleanField(default=False)
    # Sign-off by the performance lead: refused while a red indicator has no commentary.
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = (
            "-period_end",
            "-closed_at",
        )
        constraints = (
            models.UniqueConstraint(
                fields=["period_end"], condition=Q(superseded=False), name="one_live_close_per_month"
            ),
        )


class MonthlyValue(models.Model):
    class GroupKind(models.TextChoices):
        COUNCIL = "council", "Council"
        TEAM = "team", "Team"
        WORKER = "worker", "Worker"

    close = models.ForeignKey(MonthClose, on_delete=models.PROTECT, related_name="values")
    indicator_id = models.CharField(max_length=64)
    period_end = models.DateField()
    period_start = models.DateField()
    group_kind = models.CharField(max_length=16, choices=GroupKind.choices)
    group_id = models.CharField(max_length=64, blank=True, default="")  # "" for the council
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    rag = models.CharField(max_length=8, blank=True, default="")
    load = models.ForeignKey(DataLoad, on_delete=models.PROTECT, related_name="+")
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = (models.Index(fields=["period_end", "group_kind", "group_id", "superseded"]),)


class Target(models.Model):
    """A lower and upper target for an indicator from a date, set by the performance lead."""

    indicator_id = models.CharField(max_length=64, db_index=True)
    from_date = models.DateField()
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    set_by_name = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = (
            "indicator_id",
            "-from_date",
            "-set_at",
        )


class Commentary(models.Model):
    """The performance lead's note on an indicator's month; required before sign-off when red."""

    indicator_id = models.CharField(max_length=64)
    period_end = models.DateField()
    text = models.TextField()
    written_by_name = models.CharField(max_length=150)
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["indicator_id", "period_end"], name="one_commentary_per_month"),
        )
