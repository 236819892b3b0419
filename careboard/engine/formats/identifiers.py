"""Identifiers the DfE returns share: the council's LA number and ONS code, and children's UPNs.

The SSDA903 return, the CIN census and the workforce census all name the council by its DfE
three-digit LA number, and the 903 and CIN census carry each child's Unique Pupil Number (or a
code saying why it is unknown). Each writer takes them from here so the returns agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import date

import polars as pl

from careboard.engine.schema import table

Data = Mapping[str, pl.DataFrame]

UPN_TYPE = "Unique Pupil Number"  # ssd_linked_identifiers.link_identifier_type of a UPN
LA_NUMBER_UNKNOWN = "000"


class LaNumberUnknown(UserWarning):
    """A return was written with LA number 000: cb_population holds no three-digit LA number."""


def _get(data: Data, name: str) -> pl.DataFrame:
    return data[name] if name in data else table(name).empty()


def _latest_population_value(data: Data, column: str, pattern: str) -> str | None:
    pop = _get(data, "cb_population")
    values = pop.filter(pl.col(column).str.contains(pattern)).sort("popu_year", nulls_last=False)
    return str(values[column][-1]) if values.height else None


def la_number(data: Data) -> str | None:
    """The council's DfE three-digit LA number (``popu_la_number``, e.g. ``318``), or None."""
    return _latest_population_value(data, "popu_la_number", r"^\d{3}$")


def la_number_for_return(data: Data, collection: str) -> str:
    """The LA number for a return's header; ``000`` with a :class:`LaNumberUnknown` warning when
    the data holds none (the DfE will reject the file until it is corrected)."""
    number = la_number(data)
    if number is not None:
        return number
    warnings.warn(
        f"{collection}: cb_population holds no three-digit LA number (popu_la_number); "
        f"the header says {LA_NUMBER_UNKNOWN}",
        LaNumberUnknown,
        stacklevel=2,
    )
    return LA_NUMBER_UNKNOWN


def la_ons_code(data: Data) -> str | None:
    """The council's ONS code (``popu_la_code``, e.g. ``E09000027``), or None."""
    return _latest_population_value(data, "popu_la_code", r"^[A-Z]\d{8}$")


def upns_at(data: Data, day: date) -> pl.DataFrame:
    """Each child's UPN as known on ``day``: ``person_id``, ``UPN`` and ``FormerUPN``.

    The UPN is the child's latest Unique Pupil Number known by ``day`` (valid from then or
    earlier; one still valid that day comes before one that has ended, since a UPN is for life
    unless replaced; then the later valid-from date; then the larger ``link_table_id``, which
    the CIN census reader relies on: its ``<child>/UPN/...`` ids sort after
    ``<child>/FormerUPN/...``). ``FormerUPN`` is the latest other UPN the child had before it, if
    any. Children without a UPN are not listed.
    """
    links = _get(data, "ssd_linked_identifiers").filter(
        (pl.col("link_identifier_type") == UPN_TYPE)
        & pl.col("link_identifier_value").is_not_null()
        & (pl.col("link_valid_from_date").is_null() | (pl.col("link_valid_from_date") <= day))
    )
    current = pl.col("link_valid_to_date").is_null() | (pl.col("link_valid_to_date") >= day)
    ranked = links.with_columns(current.alias("__current")).sort(
        "link_person_id", "__current", "link_valid_from_date", "link_table_id", nulls_last=False
    )
    upn = ranked.group_by("link_person_id", maintain_order=True).agg(
        pl.col("link_identifier_value").last().alias("UPN"),
        pl.col("link_identifier_value").alias("__all"),
    )
    former = (
        upn.explode("__all", empty_as_null=False)
        .filter(pl.col("__all") != pl.col("UPN"))
        .group_by("link_person_id", maintain_order=True)
        .agg(pl.col("__all").last().alias("FormerUPN"))
    )
    return (
        upn.drop("__all")
        .join(former, on="link_person_id", how="left")
        .rename({"link_person_id": "person_id"})
        .sort("person_id")
    )
