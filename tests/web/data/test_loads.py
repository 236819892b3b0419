import polars as pl
import pytest

from careboard.engine.issues import Issue
from careboard.web.data import loads
from careboard.web.data.models import DataLoad, LoadIssue, LoadTable
from tests.web import factories


def test_a_load_becomes_current_and_reads_back_the_same_tables(db):
    load = loads.store_load(factories.tables(), [], files=["a"], by_name="pat")
    current, data = loads.current_dataset()
    assert current.pk == load.pk
    assert data["ssd_person"]["pers_person_id"].to_list() == ["C1", "C2", "C3"]
    assert load.row_counts["ssd_involvements"] == 4
    assert load.as_at == factories.AS_AT


def test_a_new_load_replaces_the_current_one(db):
    first = loads.store_load(factories.tables(), [], files=["a"], by_name="pat")
    tables = factories.tables()
    tables["ssd_person"] = tables["ssd_person"].head(1)
    second = loads.store_load(tables, [], files=["b"], by_name="pat")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert loads.current_dataset()[1]["ssd_person"].height == 1


def test_data_with_errors_is_refused_and_recorded_leaving_the_previous_load(db):
    first = loads.store_load(factories.tables(), [], files=["a"], by_name="pat")
    bad = [Issue("error", "BAD_DATE", "31/02/2026 is not a date", file="b.csv", row=3, column="dob")]
    with pytest.raises(loads.LoadRefused) as refused:
        loads.store_load(factories.tables(), bad, files=["b.csv"], by_name="pat")
    assert loads.current_load().pk == first.pk
    record = refused.value.load
    assert record.status == DataLoad.Status.REFUSED and not record.is_current
    assert list(LoadIssue.objects.filter(load=record).values_list("code", "row")) == [("BAD_DATE", 3)]
    assert LoadTable.objects.filter(load=record).count() == 0


def test_errors_can_be_allowed_deliberately(db):
    bad = [Issue("error", "BAD_DATE", "not a date", row=3)]
    load = loads.store_load(factories.tables(), bad, files=["b"], by_name="pat", allow_errors=True)
    assert load.is_current and load.error_count == 1


def test_a_load_that_fails_part_way_leaves_the_previous_load_and_nothing_else(db, monkeypatch):
    first = loads.store_load(factories.tables(), [], files=["a"], by_name="pat")
    tables_before = LoadTable.objects.count()
    real = loads._parquet_bytes
    calls = {"n": 0}

    def breaks_on_the_third_table(df: pl.DataFrame) -> bytes:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(df)

    monkeypatch.setattr(loads, "_parquet_bytes", breaks_on_the_third_table)
    with pytest.raises(OSError, match="disk full"):
        loads.store_load(factories.tables(), [], files=["b"], by_name="pat")
    assert loads.current_load().pk == first.pk
    assert DataLoad.objects.count() == 1
    assert LoadTable.objects.count() == tables_before


def test_the_disk_cache_serves_a_new_process(db, settings):
    load = loads.store_load(factories.tables(), [], files=["a"], by_name="pat")
    loads.dataset_for(load)
    loads.forget_memory()
    LoadTable.objects.filter(load=load).update(parquet=b"")  # the database copy is no longer read
    assert loads.dataset_for(load)["ssd_person"].height == 3
    assert (settings.CACHE_DIR / f"{load.pk}-{load.token}" / ".complete").exists()


def test_a_process_filling_the_disk_cache_makes_the_others_wait_then_read_it(tmp_path, monkeypatch):
    import fcntl
    import threading

    from careboard.engine.store import Dataset

    folder = tmp_path / "cache" / "7-token"
    reads: list[int] = []

    def from_database(load_id: int) -> Dataset:
        reads.append(load_id)
        return Dataset({"ssd_person": factories.tables()["ssd_person"]})

    monkeypatch.setattr(loads, "_read_from_database", from_database)
    folder.parent.mkdir(parents=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is filling the cache
        results: list[Dataset] = []
        waiting = threading.Thread(target=lambda: results.append(loads._from_disk_cache(7, folder)))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and not reads
        loads.write_dataset(from_database(7), folder)  # the other process's work
        (folder / ".complete").touch()
    waiting.join(10)
    assert reads == [7]  # only the other process read the database
    assert results[0]["ssd_person"].height == factories.tables()["ssd_person"].height
