"""Identifiers the DfE returns share: the council's LA number and ONS code, and children's UPNs.

The SSDA903 return, the CIN census and the workforce census all name the council by its DfE
three-digit LA number, and the 903 and CIN census carry each child's Unique Pupil Number (or a
code saying why it is unknown). Each writer takes them from here so the returns agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from datetime import date

import polars as pl

from careboard.engine.schema import table

Data = Mapping[str, pl.DataFrame]

UPN_TYPE = "Unique Pupil Number"  # ssd_linked_identifiers.link_identifier_type of a UPN
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # a UPN's check letter for remainders 0-22 (no I, O, S)
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


# The DfE check letter of a UPN, as whole-column Polars expressions (the generator makes UPNs
# with it, the readers check them with it).


def _b36_table(values: Callable[[int], int | None]) -> pl.Series:
    return pl.Series([values(v) for v in range(36)], dtype=pl.Int64)


_LETTER = {c: i for i, c in enumerate(UPN_LETTERS)}
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# A character's value by its base-36 value: a check letter's place (A = 0 ... Z = 22, none for
# digits and I, O, S), and a 13th character's (a digit itself, a letter its place).
_FIRST = _b36_table(lambda v: _LETTER.get(_B36[v]))
_LAST = _b36_table(lambda v: v if v < 10 else _LETTER.get(_B36[v]))
# The weighted sum (weights 2 to 12) of characters 2-12 in three lookups: of the first four
# digits (weights 2-5), the next four (6-9) and the last three (10-12).
_CHUNKS = [
    (
        10**7,
        10**4,
        pl.Series(
            [sum(int(d) * w for d, w in zip(f"{n:04d}", range(2, 6), strict=True)) for n in range(10**4)]
        ),
    ),
    (
        10**3,
        10**4,
        pl.Series(
            [sum(int(d) * w for d, w in zip(f"{n:04d}", range(6, 10), strict=True)) for n in range(10**4)]
        ),
    ),
    (
        1,
        10**3,
        pl.Series(
            [sum(int(d) * w for d, w in zip(f"{n:03d}", range(10, 13), strict=True)) for n in range(10**3)]
        ),
    ),
]


def _char_value(char: pl.Expr, table: pl.Series) -> pl.Expr:
    return pl.lit(table).gather(char.str.to_integer(base=36, strict=False))


def upn_check_value(upn: pl.Expr, number: pl.Expr | None = None) -> pl.Expr:
    """The check value (0-22) a UPN's characters 2-13 call for, null unless they are 11 digits
    and a digit or letter: the sum of each character's value times its place (2 to 13), modulo
    23; a letter in place 13 (a temporary UPN) counts as its place in A-Z without I, O, S.
    Whole-column arithmetic and table lookups, no loop per row. ``number``: characters 2-12 as
    an integer, when already worked out."""
    if number is None:
        number = upn.str.slice(1, 11).cast(pl.Int64, strict=False)
    weighted = pl.sum_horizontal([pl.lit(table).gather(number // div % mod) for div, mod, table in _CHUNKS])
    last = _char_value(upn.str.slice(12, 1), _LAST)
    valid = (upn.str.len_bytes() == 13) & (number >= 0)
    return pl.when(valid).then((weighted + last * 13) % 23)


def upn_letter_value(char: pl.Expr) -> pl.Expr:
    """A check letter's value (A = 0 ... Z = 22; null for a digit or I, O, S)."""
    return _char_value(char, _FIRST)


def upn_check_letter(upn: pl.Expr) -> pl.Expr:
    """The check letter (character 1) a UPN's other twelve characters call for, or null."""
    letters = {i: c for i, c in enumerate(UPN_LETTERS)}
    return upn_check_value(upn).replace_strict(letters, default=None, return_dtype=pl.String)
