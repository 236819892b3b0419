"""Loading canonical data into the database, and reading the current load back as a Dataset.

A load is all-or-nothing: its tables, issues and the switch of the current load happen in one
transaction, so a failure part-way leaves the previous load current and nothing half-written.
A load whose data has errors is refused (unless errors are allowed): it is recorded, with its
issues, as refused, and the current load does not change.

Reading back is cached twice, keyed by the load's id: on disk under ``var/cache/<id>/`` (Parquet,
so a restarted process does not re-read the database) and in this process's memory. A new current
load has a new id, so nothing stale can be served.
"""

from __future__ import annotations

import fcntl
import io
import threading
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction

from careboard.engine.issues import Issue, has_errors
from careboard.engine.schema import table
from careboard.engine.store import Dataset, read_dataset, write_dataset
from careboard.web.accounts.models import User
from careboard.web.data.models import DataLoad, LoadIssue, LoadTable

# Dates of things that happened (never a future due date): the latest is the data's as-at date.
_EVENT_DATES = {
    "ssd_contacts": "cont_contact_date",
    "ssd_cin_episodes": "cine_referral_date",
    "ssd_cin_visits": "cinv_cin_visit_date",
    "ssd_cp_visits": "cppv_cp_visit_date",
    "ssd_cla_visits": "clav_cla_visit_date",
    "cb_management_oversight": "mano_oversight_date",
}


class NoData(Exception):
    """No load has been made yet."""


class LoadRefused(Exception):
    def __init__(self, load: DataLoad) -> None:
        super().__init__(f"load refused: {load.error_count} errors in the data (load {load.pk})")
        self.load = load


def data_as_at(tables: Mapping[str, pl.DataFrame]) -> date | None:
    latest: list[date] = []
    for name, column in _EVENT_DATES.items():
        df = tables.get(name)
        if df is None or column not in df.columns or df.is_empty():
            continue
        value = df.select(pl.col(column).cast(pl.Date).max()).item()
        if value is not None:
            latest.append(value)
    return max(latest) if latest else None


def _parquet_bytes(df: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.write_parquet(buffer, statistics=True)
    return buffer.getvalue()


def _issue_rows(load: DataLoad, issues: Sequence[Issue]) -> list[LoadIssue]:
    return [
        LoadIssue(
            load=load,
            level=i.level,
            code=i.code,
            message=i.message,
            file=i.file or "",
            table=i.table or "",
            row=i.row,
            column=i.column or "",
            value=i.value or "",
        )
        for i in issues
    ]


def store_load(
    tables: Mapping[str, pl.DataFrame],
    issues: Sequence[Issue],
    *,
    files: Sequence[str],
    by_name: str,
    user: object = None,
    rows_read: Mapping[str, int] | None = None,
    allow_errors: bool = False,
) -> DataLoad:
    """Store ``tables`` as the new current load; raise LoadRefused when the data has errors."""
    conformed = {name: table(name).conform(df) for name, df in tables.items()}
    errors = sum(1 for i in issues if i.level == "error")
    load = DataLoad(
        created_by=user if isinstance(user, User) else None,
        created_by_name=by_name,
        files=list(files),
        allowed_errors=allow_errors,
        rows_read=dict(rows_read or {}),
        error_count=errors,
        warning_count=len(issues) - errors,
        row_counts={name: df.height for name, df in conformed.items()},
        as_at=data_as_at(conformed),
    )
    if has_errors(issues) and not allow_errors:
        with transaction.atomic():
            load.status = DataLoad.Status.REFUSED
            load.save()
            LoadIssue.objects.bulk_create(_issue_rows(load, issues), batch_size=1000)
        raise LoadRefused(load)
    with transaction.atomic():
        load.status = DataLoad.Status.LOADED
        load.save()
        for name, df in conformed.items():
            LoadTable.objects.create(load=load, name=name, rows=df.height, parquet=_parquet_bytes(df))
        LoadIssue.objects.bulk_create(_issue_rows(load, issues), batch_size=1000)
        DataLoad.objects.filter(is_current=True).update(is_current=False)
        load.is_current = True
        load.save(update_fields=["is_current"])
    return load


# --- reading back ----------------------------------------------------------------------------------

_memory: dict[str, Dataset] = {}
_lock = threading.Lock()


def current_load() -> DataLoad | None:
    return DataLoad.objects.filter(is_current=True).first()


def require_current_load() -> DataLoad:
    load = current_load()
    if load is None:
        raise NoData("no data has been loaded yet")
    return load


def _cache_key(load: DataLoad) -> str:
    return f"{load.pk}-{load.token}"


def _cache_dir(key: str) -> Path:
    return Path(settings.CACHE_DIR) / key


def _read_from_database(load_id: int) -> Dataset:
    tables = {
        row.name: pl.read_parquet(io.BytesIO(bytes(row.parquet)))
        for row in LoadTable.objects.filter(load_id=load_id).only("name", "parquet")
    }
    return Dataset(tables)


def _from_disk_cache(load_id: int, folder: Path) -> Dataset:
    """The load's tables from its disk cache, filling it from the database first if need be.

    Several server processes may ask at once (each gunicorn worker warms itself after a start or
    a new load): a lock file lets one fill the cache while the others wait, then read it.
    """
    complete = folder / ".complete"
    if not complete.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with open(folder.parent / f".{folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not complete.exists():
                data = _read_from_database(load_id)
                write_dataset(data, folder)
                complete.touch()
                return data
    return read_dataset(folder, names=[p.stem for p in folder.glob("*.parquet")])


def dataset_for(load: DataLoad) -> Dataset:
    """The tables of ``load``, from memory, else the disk cache, else the database."""
    key = _cache_key(load)
    with _lock:
        cached = _memory.get(key)
        if cached is not None:
            return cached
        data = _from_disk_cache(load.pk, _cache_dir(key))
        _memory.clear()  # keep one load in memory: the current one
        _memory[key] = data
        return data


def current_dataset() -> tuple[DataLoad, Dataset]:
    load = require_current_load()
    return load, dataset_for(load)


def forget_memory() -> None:
    """Drop the tables held in this process (the disk cache stays: its keys never repeat)."""
    with _lock:
        _memory.clear()
