"""Writing the SSDA903 return for a collection year from the canonical model.

:func:`tables_for_year` builds the 903 tables (dates still dates) from canonical tables: who is in
each table and what each column holds, in that year's spelling. :func:`write_csv` and
:func:`write_xml` only serialise them, so a round trip can compare the tables themselves.

The cohorts follow the DfE's definitions: episodes open at any time in the year (what happens
after 31 March is not yet known to the return, so later end dates are left blank); OC2 for
children looked after continuously for 12 months at 31 March (the validator's own definition);
OC3 for care leavers whose 17th to 21st birthday falls in the year, as at that birthday; AD1 for
children adopted in the year.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from careboard.engine.formats import ssda903_spec as spec
from careboard.engine.formats.common import neutralise_formulas
from careboard.engine.formats.identifiers import upns_at
from careboard.engine.formats.ssda903_read import birthday_in_year
from careboard.engine.schema import table

Data = Mapping[str, pl.DataFrame]


def _get(data: Data, name: str) -> pl.DataFrame:
    return data[name] if name in data else table(name).empty()


def _in_year(d: pl.Expr, end: date) -> pl.Expr:
    """A date as the return knows it: blank when it falls after the year's end."""
    return pl.when(d <= end).then(d)


def tables_for_year(data: Data, year: int) -> dict[str, pl.DataFrame]:
    """The 903 tables for collection year ``year`` (named by the year it ends in: 2025 = 2024/25)."""
    start, end = spec.year_bounds(year)
    person = _get(data, "ssd_person")
    episodes = _episodes(data, start, end)
    oc3 = _oc3(data, person, year)
    # Not a care leaver on the birthday that decides the cohort: still looked after then (rule 1016).
    in_care_at_birthday = (
        episodes.join(oc3.select("CHILD", "DOB"), on="CHILD")
        .filter(pl.col("DEC").is_null() | (pl.col("DEC") >= birthday_in_year(pl.col("DOB"), year)))
        .select("CHILD")
        .unique()
    )
    oc3 = oc3.join(in_care_at_birthday, on="CHILD", how="anti")
    ids = pl.concat([episodes["CHILD"], oc3["CHILD"]]).unique()
    header = _header(data, person, ids, episodes, year)
    dob = header.select("CHILD", "DOB")
    out = {
        "header": header,
        "episodes": episodes,
        "reviews": _reviews(data, dob, start, end),
        "uasc": _uasc(data, header, year),
        "oc2": _oc2(data, episodes, dob, start, end),
        "oc3": oc3.join(dob, on="CHILD", how="semi"),
        "ad1": _ad1(data, episodes, dob),
        "placed_for_adoption": _placed_for_adoption(data, dob, start, end),
        "previous_permanence": _previous_permanence(data, episodes, dob, start),
        "missing": _missing(data, dob, start, end),
    }
    return {
        name: df.select(spec.COLUMNS[name]).sort("CHILD", maintain_order=True) for name, df in out.items()
    }


def _header(
    data: Data, person: pl.DataFrame, ids: pl.Series, episodes: pl.DataFrame, year: int
) -> pl.DataFrame:
    _, end = spec.year_bounds(year)
    upn = upns_at(data, end).select(pl.col("person_id").alias("CHILD"), pl.col("UPN").alias("__upn"))
    mother = _motherhood(data, person, episodes, end)
    return (
        person.filter(pl.col("pers_person_id").is_in(ids.implode()))
        .select(
            pl.col("pers_person_id").alias("CHILD"),
            _sex_for_year(pl.col("pers_sex"), year).alias("SEX"),
            pl.col("pers_dob").alias("DOB"),
            pl.col("pers_ethnicity").alias("ETHNIC"),
            pl.col("pers_upn_unknown"),
        )
        .join(upn, on="CHILD", how="left")
        .join(mother, on="CHILD", how="left")
        .select(
            "CHILD",
            "SEX",
            "DOB",
            "ETHNIC",
            pl.coalesce("__upn", "pers_upn_unknown").alias("UPN"),
            "MOTHER",
            "MC_DOB",
        )
    )


def _motherhood(data: Data, person: pl.DataFrame, episodes: pl.DataFrame, end: date) -> pl.DataFrame:
    """MOTHER and MC_DOB for the girls the DfE asks about: those looked after in the year under a
    legal status other than V3/V4 (393, 607; not care leavers only, 628; not V3/V4 only, 399).

    A girl is a mother ("1") when ``ssd_mother`` holds a child of hers born by the date the return
    describes her at: 31 March, or the day she ceased to be looked after if that was earlier (625
    refuses a first child born after it). MC_DOB is her first child's birth. Without a recorded
    child she is a mother only if ``pers_is_mother`` says so (her child's birth then unknown);
    "0" when it says "N" or she is under 12 on 31 March; otherwise blank (not known).
    """
    ended = pl.col("DEC").is_not_null() & (pl.col("REC") != "X1")
    asked = (
        episodes.filter(~pl.col("LS").is_in(["V3", "V4"]))
        .sort("CHILD", "DECOM")
        .group_by("CHILD", maintain_order=True)
        .agg(pl.when(ended.last()).then(pl.col("DEC").last()).otherwise(pl.lit(end)).alias("__as_at"))
    )
    girls = person.filter(pl.col("pers_sex") == "F").join(asked, left_on="pers_person_id", right_on="CHILD")
    children = _get(data, "ssd_mother").select(
        pl.col("moth_person_id").alias("pers_person_id"), "moth_childs_dob"
    )
    first = (
        girls.select("pers_person_id", "__as_at")
        .join(children, on="pers_person_id")
        .group_by("pers_person_id")
        .agg(
            pl.col("moth_childs_dob").is_not_null().sum().alias("__recorded"),
            pl.col("moth_childs_dob")
            .filter(pl.col("moth_childs_dob") <= pl.col("__as_at"))
            .min()
            .alias("MC_DOB"),
        )
    )
    flag = pl.col("pers_is_mother")
    recorded = pl.col("__recorded").fill_null(0) > 0
    under_12 = pl.col("pers_dob").dt.offset_by("12y") > end
    mother = (
        pl.when(pl.col("MC_DOB").is_not_null())
        .then(pl.lit("1"))
        .when(recorded | (flag == "N") | under_12)
        .then(pl.lit("0"))
        .when(flag == "Y")
        .then(pl.lit("1"))
    )
    return girls.join(first, on="pers_person_id", how="left").select(
        pl.col("pers_person_id").alias("CHILD"), mother.alias("MOTHER"), "MC_DOB"
    )


def _sex_for_year(expr: pl.Expr, year: int) -> pl.Expr:
    return expr.replace({m: n for n, m in spec.SEX_NUMERIC.items()}) if spec.sex_codes_numeric(year) else expr


def _episodes(data: Data, start: date, end: date) -> pl.DataFrame:
    eps = _get(data, "ssd_cla_episodes").sort("clae_person_id", "clae_cla_episode_start_date")
    # The next episode of the child decides whether this one ended with a change of placement.
    eps = eps.with_columns(
        pl.when(pl.col("clae_person_id") == pl.col("clae_person_id").shift(-1))
        .then(pl.col("clae_cla_placement_id").shift(-1))
        .alias("__next_placement")
    ).filter(
        (pl.col("clae_cla_episode_start_date") <= end)
        & (
            pl.col("clae_cla_episode_ceased_date").is_null()
            | (pl.col("clae_cla_episode_ceased_date") >= start)
        )
    )
    placement = _get(data, "ssd_cla_placement").select(
        "clap_cla_placement_id",
        "clap_cla_placement_type",
        "clap_cla_placement_provider",
        "clap_cla_placement_urn",
        "clap_cla_placement_postcode",
        "clap_cla_placement_change_reason",
    )
    legal = (
        _get(data, "ssd_legal_status")
        .select("lega_person_id", "lega_legal_status", "lega_legal_status_start_date")
        .drop_nulls("lega_legal_status_start_date")
        .sort("lega_legal_status_start_date")
    )
    home = (
        _get(data, "ssd_address")
        .filter(pl.col("addr_address_type") == "HOME")
        .select("addr_person_id", "addr_address_postcode", "addr_address_start_date")
        .drop_nulls("addr_address_start_date")
        .sort("addr_address_start_date")
    )
    eps = (
        eps.join(placement, left_on="clae_cla_placement_id", right_on="clap_cla_placement_id", how="left")
        .sort("clae_cla_episode_start_date")
        .join_asof(
            legal,
            left_on="clae_cla_episode_start_date",
            right_on="lega_legal_status_start_date",
            by_left="clae_person_id",
            by_right="lega_person_id",
            strategy="backward",
            check_sortedness=False,
        )
        .join_asof(
            home,
            left_on="clae_cla_episode_start_date",
            right_on="addr_address_start_date",
            by_left="clae_person_id",
            by_right="addr_person_id",
            strategy="backward",
            check_sortedness=False,
        )
    )
    dec = _in_year(pl.col("clae_cla_episode_ceased_date"), end)
    place = pl.col("clap_cla_placement_type")
    # Short breaks (V3/V4) carry no postcodes or URN (214, 398). A child who is or was an
    # unaccompanied asylum seeker has no home postcode, so no distance (406).
    short_break = pl.col("lega_legal_status").is_in(["V3", "V4"]).fill_null(False)
    uasc = (
        _get(data, "ssd_immigration_status")
        .filter(
            (pl.col("immi_immigration_status") == "UASC")
            & pl.col("immi_immigration_status_start_date").fill_null(end).le(end)
        )
        .get_column("immi_person_id")
    )
    moved = (
        dec.is_not_null()
        & (pl.col("clae_cla_episode_ceased_reason") == "X1")
        & pl.col("__next_placement").ne_missing(pl.col("clae_cla_placement_id"))
    )
    return eps.select(
        pl.col("clae_person_id").alias("CHILD"),
        pl.col("clae_cla_episode_start_date").alias("DECOM"),
        pl.col("clae_cla_episode_start_reason").alias("RNE"),
        pl.col("lega_legal_status").alias("LS"),
        pl.col("clae_cla_primary_need_code").alias("CIN"),
        place.alias("PLACE"),
        pl.when(~place.is_in(list(spec.NO_PROVIDER)))
        .then(pl.col("clap_cla_placement_provider"))
        .alias("PLACE_PROVIDER"),
        dec.alias("DEC"),
        pl.when(dec.is_not_null()).then(pl.col("clae_cla_episode_ceased_reason")).alias("REC"),
        pl.when(moved).then(pl.col("clap_cla_placement_change_reason")).alias("REASON_PLACE_CHANGE"),
        pl.when(~short_break & ~pl.col("clae_person_id").is_in(uasc.implode()))
        .then(pl.col("addr_address_postcode"))
        .alias("HOME_POST"),
        pl.when(~short_break).then(pl.col("clap_cla_placement_postcode")).alias("PL_POST"),
        pl.when(~short_break).then(pl.col("clap_cla_placement_urn")).alias("URN"),
    ).sort("CHILD", "DECOM")


def _cla_person(data: Data) -> pl.DataFrame:
    return _get(data, "ssd_cla_episodes").group_by("clae_cla_id").agg(pl.col("clae_person_id").first())


def _reviews(data: Data, dob: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    reviews = _get(data, "ssd_cla_reviews").filter(pl.col("clar_cla_review_date").is_between(start, end))
    return (
        reviews.join(_cla_person(data), left_on="clar_cla_id", right_on="clae_cla_id")
        .select(
            pl.col("clae_person_id").alias("CHILD"),
            pl.col("clar_cla_review_date").alias("REVIEW"),
            pl.col("clar_cla_review_participation").alias("REVIEW_CODE"),
        )
        .join(dob, on="CHILD")
        .sort("CHILD", "REVIEW")
    )


def _uasc(data: Data, header: pl.DataFrame, year: int) -> pl.DataFrame:
    """Children who were unaccompanied asylum seekers at some time in the year. The DfE's date
    UASC ceased is the 18th birthday unless the status ended earlier, so it is known in advance
    (205B compares it with the birthday; 104 refuses one before the year starts)."""
    uasc = _get(data, "ssd_immigration_status").filter(pl.col("immi_immigration_status") == "UASC")
    latest = uasc.sort("immi_immigration_status_end_date", nulls_last=True).group_by("immi_person_id").last()
    start, _ = spec.year_bounds(year)
    duc = pl.coalesce(pl.col("immi_immigration_status_end_date"), pl.col("DOB").dt.offset_by("18y"))
    return (
        header.join(latest, left_on="CHILD", right_on="immi_person_id")
        .select("CHILD", "SEX", "DOB", duc.alias("DUC"))
        .filter(pl.col("DUC") >= start)
    )


def continuously_looked_after(episodes: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Children (CHILD) looked after throughout the year, by the validator's definition: in care at
    its start, and no episode that starts care, ends care or is respite (V3/V4) within it."""
    in_care_at_start = (pl.col("DECOM") <= start) & (pl.col("DEC").is_null() | (pl.col("DEC") >= start))
    breaks = (
        ((pl.col("RNE") == "S") & (pl.col("DECOM") > start) & (pl.col("DECOM") <= end))
        | ((pl.col("REC") != "X1") & (pl.col("DEC") >= start) & (pl.col("DEC") < end))
        | pl.col("LS").is_in(["V3", "V4"])
    )
    return (
        episodes.group_by("CHILD")
        .agg(in_care_at_start.any().alias("__start"), breaks.fill_null(False).any().alias("__break"))
        .filter(pl.col("__start") & ~pl.col("__break"))
        .select("CHILD")
    )


def _done_in_year(df: pl.DataFrame, kinds: list[str], start: date, end: date) -> pl.DataFrame:
    return (
        df.filter(
            pl.col("clah_health_check_type").is_in(kinds)
            & (pl.col("clah_health_check_status") == "COMPLETED")
            & pl.col("clah_health_check_date").is_between(start, end)
        )
        .select(pl.col("clah_person_id").alias("CHILD"))
        .unique()
    )


def _oc2(data: Data, episodes: pl.DataFrame, dob: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    cohort = continuously_looked_after(episodes, start, end).join(dob, on="CHILD")
    health = _get(data, "ssd_cla_health")
    immunised = (
        _get(data, "ssd_cla_immunisations")
        .filter(pl.col("clai_immunisations_status_date") <= end)
        .sort("clai_immunisations_status_date")
        .group_by("clai_person_id")
        .last()
        .filter(pl.col("clai_immunisations_status") == "Y")
        .select(pl.col("clai_person_id").alias("CHILD"))
    )

    def flag(ids: pl.DataFrame, name: str) -> pl.Expr:
        return (
            pl.when(pl.col("CHILD").is_in(ids["CHILD"].implode()))
            .then(pl.lit("1"))
            .otherwise(pl.lit("0"))
            .alias(name)
        )

    # Health surveillance (development) checks are for children under 5 at 31 March only; the
    # DfE rejects the item for older children (rule 546).
    under_5 = pl.col("DOB").dt.offset_by("5y") > end
    # Convictions are asked of children 10 or over at 31 March (542, 543).
    aged_10 = pl.col("DOB").dt.offset_by("10y") <= end
    return (
        cohort.join(_sdq(data, start, end), on="CHILD", how="left")
        .join(_substance_misuse(data, start, end), on="CHILD", how="left")
        .select(
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            pl.when(aged_10).then(flag(_convicted(data, start, end), "CONVICTED")).alias("CONVICTED"),
            pl.when(under_5)
            .then(flag(_done_in_year(health, ["DEVELOPMENT"], start, end), "HEALTH_CHECK"))
            .alias("HEALTH_CHECK"),
            flag(immunised, "IMMUNISATIONS"),
            flag(_done_in_year(health, ["DENTAL"], start, end), "TEETH_CHECK"),
            flag(_done_in_year(health, ["IHA", "RHA"], start, end), "HEALTH_ASSESSMENT"),
            pl.col("SUBSTANCE_MISUSE").fill_null("0"),
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        )
    )


def _sdq(data: Data, start: date, end: date) -> pl.DataFrame:
    """SDQ_SCORE, or SDQ_REASON when no score was returned, from the child's latest SDQ record in
    the year: a score if any record in the year has one (197a: never both), for children aged 4
    to 17 in the year (188, 189: the DfE refuses them for younger and older children)."""
    sdq = _get(data, "ssd_sdq_scores").filter(pl.col("csdq_sdq_completed_date").is_between(start, end))
    scored = pl.col("csdq_sdq_score").is_not_null()
    latest = (
        sdq.sort("csdq_person_id", scored, "csdq_sdq_completed_date", "csdq_table_id")
        .group_by("csdq_person_id", maintain_order=True)
        .last()
    )
    dob = _get(data, "ssd_person").select("pers_person_id", "pers_dob")
    ages_4_to_17 = (pl.col("pers_dob").dt.offset_by("4y") <= end) & (
        pl.col("pers_dob").dt.offset_by("17y") >= start
    )
    return latest.join(dob, left_on="csdq_person_id", right_on="pers_person_id").select(
        pl.col("csdq_person_id").alias("CHILD"),
        pl.when(ages_4_to_17).then(pl.col("csdq_sdq_score").cast(pl.String)).alias("SDQ_SCORE"),
        pl.when(ages_4_to_17 & ~scored).then(pl.col("csdq_sdq_reason")).alias("SDQ_REASON"),
    )


def _convicted(data: Data, start: date, end: date) -> pl.DataFrame:
    return (
        _get(data, "ssd_cla_convictions")
        .filter(pl.col("clac_cla_conviction_date").is_between(start, end))
        .select(pl.col("clac_person_id").alias("CHILD"))
        .unique()
    )


def _substance_misuse(data: Data, start: date, end: date) -> pl.DataFrame:
    """SUBSTANCE_MISUSE "1" for a child with a substance misuse problem identified in the year,
    with INTERVENTION_RECEIVED (any received) and, only when none was received,
    INTERVENTION_OFFERED (158, 159, 192, 193)."""
    misuse = _get(data, "ssd_cla_substance_misuse").filter(
        pl.col("clas_substance_misuse_date").is_between(start, end)
    )

    def any_yes(col: str) -> pl.Expr:
        return (
            pl.when(pl.col(col).is_null().all())
            .then(None)
            .otherwise(pl.when((pl.col(col) == "Y").any()).then(pl.lit("1")).otherwise(pl.lit("0")))
        )

    return (
        misuse.group_by("clas_person_id")
        .agg(
            any_yes("clas_intervention_received").alias("__received"),
            any_yes("clas_intervention_offered").alias("__offered"),
        )
        .select(
            pl.col("clas_person_id").alias("CHILD"),
            pl.lit("1").alias("SUBSTANCE_MISUSE"),
            pl.col("__received").alias("INTERVENTION_RECEIVED"),
            pl.when(pl.col("__received") == "0").then(pl.col("__offered")).alias("INTERVENTION_OFFERED"),
        )
    )


def _oc3(data: Data, person: pl.DataFrame, year: int) -> pl.DataFrame:
    """Care leavers whose 17th-21st birthday is in the year, as at the latest contact up to a month
    after that birthday (the DfE counts contact from 3 months before to 1 month after)."""
    people = person.select(
        pl.col("pers_person_id").alias("CHILD"), pl.col("pers_dob").alias("DOB")
    ).with_columns(birthday_in_year(pl.col("DOB"), year).alias("__birthday"))
    people = people.filter((pl.col("__birthday").dt.year() - pl.col("DOB").dt.year()).is_between(17, 21))
    leavers = _get(data, "ssd_care_leavers").join(people, left_on="clea_person_id", right_on="CHILD")
    chosen = (
        leavers.filter(pl.col("clea_care_leaver_latest_contact") <= pl.col("__birthday").dt.offset_by("1mo"))
        .sort("clea_care_leaver_latest_contact")
        .group_by("clea_person_id")
        .last()
    )
    accom = pl.col("clea_care_leaver_accommodation")
    return chosen.select(
        pl.col("clea_person_id").alias("CHILD"),
        "DOB",
        pl.col("clea_care_leaver_in_touch").alias("IN_TOUCH"),
        pl.col("clea_care_leaver_activity").alias("ACTIV"),
        # The canonical accommodation is the 903 code (U1), or only its letter (U) beside suitability.
        pl.when((accom == "0") | (accom.str.len_chars() > 1))
        .then(accom)
        .otherwise(accom + pl.col("clea_care_leaver_accom_suitable").fill_null(""))
        .alias("ACCOM"),
    ).sort("CHILD")


def _ad1(data: Data, episodes: pl.DataFrame, dob: pl.DataFrame) -> pl.DataFrame:
    adopted = (
        episodes.filter(pl.col("REC").is_in(["E11", "E12"]))
        .group_by("CHILD")
        .agg(pl.col("DEC").max().alias("__adopted"))
    )
    perm = _get(data, "ssd_permanence").filter(pl.col("perm_adm_decision_date").is_not_null())
    chosen = (
        adopted.join(perm, left_on="CHILD", right_on="perm_person_id")
        .filter(pl.col("perm_adm_decision_date") <= pl.col("__adopted"))
        .sort("perm_adm_decision_date")
        .group_by("CHILD")
        .last()
    )
    return chosen.join(dob, on="CHILD").select(
        "CHILD",
        "DOB",
        pl.col("perm_adm_decision_date").alias("DATE_INT"),
        pl.col("perm_matched_date").alias("DATE_MATCH"),
        pl.col("perm_adopted_by_carer_flag")
        .replace_strict({"Y": "1", "N": "0"}, default=None)
        .alias("FOSTER_CARE"),
        pl.col("perm_number_of_adopters").alias("NB_ADOPTR"),
        pl.col("perm_adopter_sex").alias("SEX_ADOPTR"),
        pl.col("perm_adopter_legal_status").alias("LS_ADOPTR"),
    )


def _placed_for_adoption(data: Data, dob: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    perm = _get(data, "ssd_permanence").filter(
        (pl.col("perm_adm_decision_date") <= end)
        & (pl.col("perm_decision_reversed_date").is_null() | (pl.col("perm_decision_reversed_date") >= start))
    )
    ceased = _in_year(pl.col("perm_decision_reversed_date"), end)
    return (
        perm.join(dob, left_on="perm_person_id", right_on="CHILD")
        .select(
            pl.col("perm_person_id").alias("CHILD"),
            "DOB",
            pl.col("perm_adm_decision_date").alias("DATE_PLACED"),
            ceased.alias("DATE_PLACED_CEASED"),
            pl.when(ceased.is_not_null())
            .then(pl.col("perm_decision_reversed_reason"))
            .alias("REASON_PLACED_CEASED"),
        )
        .sort("CHILD", "DATE_PLACED")
    )


def _previous_permanence(data: Data, episodes: pl.DataFrame, dob: pl.DataFrame, start: date) -> pl.DataFrame:
    """For children who started to be looked after in the year."""
    entered = episodes.filter((pl.col("RNE") == "S") & (pl.col("DECOM") >= start)).select("CHILD").unique()
    prev = _get(data, "ssd_cla_previous_permanence").unique("lapp_person_id", keep="last")
    return (
        prev.join(entered, left_on="lapp_person_id", right_on="CHILD", how="semi")
        .join(dob, left_on="lapp_person_id", right_on="CHILD")
        .select(
            pl.col("lapp_person_id").alias("CHILD"),
            "DOB",
            pl.col("lapp_previous_permanence_option").alias("PREV_PERM"),
            pl.col("lapp_previous_permanence_la").alias("LA_PERM"),
            pl.col("lapp_previous_permanence_order_date").alias("DATE_PERM"),
        )
    )


def _missing(data: Data, dob: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    # Every period missing or away during the year, including one still open from last year (576).
    missing = _get(data, "ssd_missing").filter(
        (pl.col("miss_missing_episode_start_date") <= end)
        & (
            pl.col("miss_missing_episode_end_date").is_null()
            | (pl.col("miss_missing_episode_end_date") >= start)
        )
    )
    return (
        missing.join(dob, left_on="miss_person_id", right_on="CHILD")
        .select(
            pl.col("miss_person_id").alias("CHILD"),
            "DOB",
            pl.col("miss_missing_episode_type").alias("MISSING"),
            pl.col("miss_missing_episode_start_date").alias("MIS_START"),
            _in_year(pl.col("miss_missing_episode_end_date"), end).alias("MIS_END"),
        )
        .sort("CHILD", "MIS_START")
    )


# --------------------------------------------------------------------------------------------
# Serialising


def as_text(df: pl.DataFrame) -> pl.DataFrame:
    """Every column as the 903 spells it: dates dd/mm/yyyy, everything else text."""
    return df.with_columns(
        pl.col(c).dt.strftime("%d/%m/%Y") if t == pl.Date else pl.col(c).cast(pl.String)
        for c, t in df.schema.items()
    )


def write_csv(tables: Mapping[str, pl.DataFrame], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in spec.WRITTEN:
        path = folder / f"{name}.csv"
        neutralise_formulas(as_text(tables[name])).write_csv(path)
        paths.append(path)
    return paths


def _esc(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _elements(columns: list[str], rename: Mapping[str, str] | None = None) -> pl.Expr:
    """The columns as XML elements, an empty element for a blank value (as the DfE writes them)."""
    rename = rename or {}
    parts = []
    for c in columns:
        tag = rename.get(c, c)
        parts.append(
            pl.when(pl.col(c).is_null())
            .then(pl.lit(f"<{tag} />"))
            .otherwise(pl.lit(f"<{tag}>") + _esc(pl.col(c)) + pl.lit(f"</{tag}>"))
        )
    return pl.concat_str(parts)


def _grouped(
    df: pl.DataFrame, tag: str, columns: list[str], name: str, rename: Mapping[str, str] | None = None
) -> pl.DataFrame:
    return (
        df.select(
            "CHILD", (pl.lit(f"<{tag}>") + _elements(columns, rename) + pl.lit(f"</{tag}>")).alias(name)
        )
        .group_by("CHILD", maintain_order=True)
        .agg(pl.col(name).str.join(""))
    )


def write_xml(tables: Mapping[str, pl.DataFrame], path: Path) -> Path:
    """The XML return: one CHILD per header row, its tables nested as the DfE's export nests them."""
    t = {name: as_text(df) for name, df in tables.items()}
    child = t["header"].join(
        t["uasc"].select("CHILD", pl.lit("1").alias("UASC"), "DUC"), on="CHILD", how="left"
    )
    child = child.join(t["oc3"].drop("DOB"), on="CHILD", how="left").join(
        t["ad1"].drop("DOB"), on="CHILD", how="left"
    )
    pieces = {
        "__reviews": _grouped(t["reviews"], "AREVIEW", ["REVIEW", "REVIEW_CODE"], "__reviews"),
        "__perm": _grouped(
            t["previous_permanence"], "PERMANENCE", ["PREV_PERM", "LA_PERM", "DATE_PERM"], "__perm"
        ),
        "__oc2": _grouped(t["oc2"], "OC2", list(spec.COLUMNS["oc2"][2:]), "__oc2"),
        "__missing": _grouped(t["missing"], "AMISSING", ["MISSING", "MIS_START", "MIS_END"], "__missing"),
        "__placed": _grouped(
            t["placed_for_adoption"],
            "AD_PLACED",
            ["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
            "__placed",
        ),
        "__episodes": _grouped(
            t["episodes"],
            "EPISODE",
            [
                *[
                    "DECOM",
                    "RNE",
                    "LS",
                    "CIN",
                    "PLACE",
                    "PL_POST",
                    "HOME_POST",
                    "URN",
                    "PLACE_PROVIDER",
                    "DEC",
                    "REC",
                ],
                "REASON_PLACE_CHANGE",
            ],
            "__episodes",
            {"PLACE": "PL"},
        ),
    }
    for name, df in pieces.items():
        child = child.join(df, on="CHILD", how="left").with_columns(pl.col(name).fill_null(""))

    def optional(cols: list[str]) -> pl.Expr:
        return pl.when(pl.col(cols[0]).is_not_null()).then(_elements(cols)).otherwise(pl.lit(""))

    body = child.select(
        pl.concat_str(
            pl.lit("<CHILD><HEADER>"),
            _elements(["CHILD", "UPN", "SEX", "DOB", "ETHNIC"], {"CHILD": "CHILDID"}),
            pl.when(pl.col("UASC").is_not_null())
            .then(pl.lit("<UASC>1</UASC>"))
            .otherwise(pl.lit("<UASC>0</UASC>")),
            optional(["DUC"]),
            pl.col("__reviews"),
            _elements(["MOTHER", "MC_DOB"]),
            pl.col("__perm"),
            pl.col("__oc2"),
            pl.col("__missing"),
            optional(["IN_TOUCH", "ACTIV", "ACCOM"]),
            optional(["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]),
            pl.col("__placed"),
            pl.lit("</HEADER>"),
            pl.col("__episodes"),
            pl.lit("</CHILD>"),
        ).alias("xml")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>")
        for chunk in body["xml"].to_list():
            fh.write(chunk)
        fh.write("</EXPSSDA903>\n")
    return path


def collection_year(as_at: date | None, year: int | None) -> int:
    if year is not None:
        return year
    if as_at is not None:
        # The latest collection year that has ended on or before as_at: the one containing the
        # day after as_at, less one.
        return spec.year_containing(as_at + timedelta(days=1)) - 1
    raise ValueError("give the collection year (year=YYYY, the year it ends in) or an as_at date")
