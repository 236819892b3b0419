"""Children's identifiers and motherhood: Unique Pupil Numbers, UPN-unknown codes, young mothers.

UPNs (``ssd_linked_identifiers``, type ``Unique Pupil Number``) follow the DfE's format: a check
letter, the council's three-digit LA number, a four-digit school (establishment) number, the two
digits of the year the UPN was allocated and a three-digit serial; the check letter is the
modulus-23 letter of the other twelve digits weighted 2 to 13 (letters I, O and S unused). A child
gets one on starting reception (the 1 September on or after the 4th birthday) and keeps it for
life; an unaccompanied asylum seeker under 16 sometimes gets one a few months after arriving.

``pers_upn_unknown`` holds the DfE code that applies whenever the child has no UPN valid on a day
(a writer takes the UPN valid at the date of the return, else this code): ``UN1`` for a child not
yet of school age (also kept for a child who got a UPN later), ``UN2`` for an unaccompanied asylum
seeker who has never attended school in England, ``UN3`` for a child educated outside England and
``UN5`` where sources disagree on the child's details. ``UN4`` (newly looked after, UPN not yet
known) is not generated: the DfE validator's rule 210 flags exactly the children it is meant for.

Motherhood: ``pers_is_mother`` is ``Y``/``N`` for every girl aged 12 or over at the end of the
run. About 2.5% of girls looked after at 12 or over are mothers: girls who came into care aged 13
and a half or over with a baby born in the two years before (``ssd_mother``, one row per child;
the baby is not a person in the council's records).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from careboard.engine.formats.identifiers import UPN_TYPE, upn_check_letter
from careboard.engine.generate import params as P
from careboard.engine.schema import table

_UNKNOWN_CODES = (None, "UN1", "UN2", "UN3", "UN5")
MOTHER_SHARE = 0.025  # of girls looked after at 12 or over


def make_upns(
    la_number: str,
    school: npt.NDArray[np.int64],
    year: npt.NDArray[np.int64],
    serial: npt.NDArray[np.int64],
) -> pl.Series:
    """UPNs from a school number (0-9999), allocation year and serial (0-999)."""
    # the twelve digits as one integer (no per-string work)
    whole = ((int(la_number) * 10_000 + school) * 100 + year % 100) * 1000 + serial
    body = pl.col("whole").cast(pl.String).str.zfill(12)
    # the check letter is worked out from characters 2-13, so a placeholder stands in for it
    upn = upn_check_letter(pl.lit("-") + body) + body
    return pl.DataFrame({"whole": whole}, schema={"whole": pl.Int64}).select(upn.alias("upn")).to_series()


def _days(s: pl.Series) -> npt.NDArray[np.int64]:
    return np.asarray(s.to_physical().fill_null(-(2**31)).to_numpy(), dtype=np.int64)


def upns(tables: dict[str, pl.DataFrame], rng: np.random.Generator, end: date) -> None:
    """``ssd_linked_identifiers`` UPN rows and ``pers_upn_unknown``."""
    end_day = (end - date(1970, 1, 1)).days
    entry = (
        tables["ssd_cla_episodes"]
        .group_by("clae_person_id")
        .agg(
            pl.col("clae_entered_care_date").min().alias("_entered"),
            (pl.col("clae_cla_primary_need_code") == "N8").any().alias("_uasc"),
        )
    )
    seen = (
        tables["ssd_contacts"]
        .group_by("cont_person_id")
        .agg(pl.col("cont_contact_date").min().dt.date().alias("_seen"))
    )
    four = pl.col("pers_dob").dt.offset_by("4y")
    sept = pl.date(four.dt.year(), 9, 1)
    people = (
        tables["ssd_person"]
        .select("pers_person_id", "pers_dob")
        .join(entry, left_on="pers_person_id", right_on="clae_person_id", how="left")
        .join(seen, left_on="pers_person_id", right_on="cont_person_id", how="left")
        .with_columns(_school=pl.when(four <= sept).then(sept).otherwise(pl.date(four.dt.year() + 1, 9, 1)))
        .sort("pers_person_id")
    )
    n = people.height
    ids = people["pers_person_id"]
    number = people["pers_person_id"].str.slice(1).cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    dob = _days(people["pers_dob"])
    school = _days(people["_school"])
    entered = _days(people["_entered"])
    seen_day = np.where(people["_seen"].is_null().to_numpy(), end_day, _days(people["_seen"]))
    uasc = people["_uasc"].fill_null(False).to_numpy()
    u = rng.random(n)

    # unaccompanied asylum seekers under 16 on arrival: half start a school in England
    arrive_school = entered + rng.integers(20, 120, n)
    uasc_upn = uasc & (entered - dob < 16 * 365.25) & (u < 0.5)
    valid_from = np.where(uasc, np.where(uasc_upn, np.maximum(arrive_school, school), -1), school)
    outside = ~uasc & (u < 0.004)  # educated outside England
    mismatch = ~uasc & (u >= 0.004) & (u < 0.010)  # sources disagree on the child's details
    has_upn = (valid_from >= 0) & (valid_from <= end_day) & ~outside & ~mismatch
    school_age = school <= end_day
    # index into _UNKNOWN_CODES: none, UN1, UN2, UN3, UN5
    code = np.where(
        uasc,
        2,
        np.where(
            has_upn,
            np.where(valid_from > seen_day, 1, 0),
            np.where(~school_age, 1, np.where(outside, 3, 4)),
        ),
    )
    k = np.flatnonzero(has_upn)
    alloc_year = (valid_from[k].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)) + 1970
    # school numbers 2000-2999 (primary) or 4000-4999 (secondary, for late arrivals); the person's
    # number spread over school and serial keeps every UPN distinct
    base = np.where(uasc[k], 4000, 2000)
    value = make_upns(P.LA_NUMBER, base + number[k] % 1000, alloc_year, (number[k] // 1000) % 1000)
    links = pl.DataFrame(
        {
            "link_person_id": ids.gather(k),
            "link_identifier_value": value,
            "link_valid_from_date": pl.Series(valid_from[k].astype(np.int32)).cast(pl.Date),
        }
    ).with_columns(
        link_table_id=pl.format("LI{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        link_identifier_type=pl.lit(UPN_TYPE),
    )
    tables["ssd_linked_identifiers"] = table("ssd_linked_identifiers").conform(links)
    codes = pl.DataFrame({"pers_person_id": ids, "_code": pl.Series(code, dtype=pl.Int64)}).with_columns(
        pl.col("_code").replace_strict(dict(enumerate(_UNKNOWN_CODES)), return_dtype=pl.String)
    )
    person = tables["ssd_person"].join(codes, on="pers_person_id", how="left")
    tables["ssd_person"] = table("ssd_person").conform(
        person.with_columns(pers_upn_unknown=pl.col("_code")).drop("_code")
    )


def mothers(tables: dict[str, pl.DataFrame], rng: np.random.Generator, end: date) -> None:
    """``pers_is_mother`` for girls 12 and over, and ``ssd_mother`` for the few who are mothers."""
    care = (
        tables["ssd_cla_episodes"]
        .group_by("clae_person_id")
        .agg(
            pl.col("clae_entered_care_date").min().alias("_entered"),
            pl.col("clae_cla_episode_ceased_date").fill_null(end).max().alias("_left"),
        )
    )
    girls = (
        tables["ssd_person"]
        .filter(pl.col("pers_sex") == "F")
        .select("pers_person_id", "pers_dob")
        .join(care, left_on="pers_person_id", right_on="clae_person_id", how="inner")
        .sort("pers_person_id")
    )
    over_12 = (girls["_left"] >= girls["pers_dob"].dt.offset_by("12y")).to_numpy()
    dob = _days(girls["pers_dob"])
    entered = _days(girls["_entered"])
    thirteen = _days(girls["pers_dob"].dt.offset_by("13y"))
    eligible = entered >= thirteen + 180
    share = min(1.0, MOTHER_SHARE * int(over_12.sum()) / max(int(eligible.sum()), 1))
    mother = eligible & (rng.random(girls.height) < share)
    k = np.flatnonzero(mother)
    room = np.minimum(730, entered[k] - thirteen[k])
    birth = entered[k] - (rng.random(len(k)) * room).astype(np.int64)
    assert (birth > dob[k]).all()
    rows = pl.DataFrame(
        {
            "moth_person_id": pl.Series(girls["pers_person_id"].to_numpy()[k], dtype=pl.String),
            "moth_childs_dob": pl.Series(birth.astype(np.int32)).cast(pl.Date),
        }
    ).with_columns(
        moth_table_id=pl.format("MO{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        moth_childs_person_id=pl.format("B{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
    )
    tables["ssd_mother"] = table("ssd_mother").conform(rows)
    mums = rows["moth_person_id"].implode()
    twelve = pl.col("pers_dob").dt.offset_by("12y") <= end
    flag = (
        pl.when((pl.col("pers_sex") == "F") & twelve)
        .then(pl.when(pl.col("pers_person_id").is_in(mums)).then(pl.lit("Y")).otherwise(pl.lit("N")))
        .otherwise(None)
    )
    tables["ssd_person"] = tables["ssd_person"].with_columns(pers_is_mother=flag)
