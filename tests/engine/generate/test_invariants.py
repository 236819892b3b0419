"""Internal consistency of generated councils, over many seeds (hypothesis)."""

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careboard.engine.generate import generate_council
from careboard.engine.generate.geography import postcodes
from careboard.engine.generate.params import LA_ONS_CODE
from careboard.engine.schema import TABLES

END = date(2026, 3, 31)


def _council(seed: int, years: int, journey: str) -> dict[str, pl.DataFrame]:
    start = date(END.year - years, 4, 1)
    return generate_council(seed=seed, population=2000, start=start, end=END, journey=journey)


councils = st.builds(
    _council,
    seed=st.integers(min_value=0, max_value=2**31),
    years=st.integers(min_value=1, max_value=2),
    journey=st.sampled_from(["steady", "improving", "declining"]),
)
CHECKS = []


def invariant(fn):
    CHECKS.append(fn)
    return fn


@pytest.fixture(scope="module")
def data():
    return _council(seed=7, years=2, journey="improving")


def _no_overlap(df: pl.DataFrame, person: str, start: str, end: str) -> pl.DataFrame:
    """Rows that start before the same person's previous row ended (open = never ends)."""
    return (
        df.sort(person, start)
        .with_columns(
            prev_end=pl.col(end).shift(1).over(person), prev_open=pl.col(end).is_null().shift(1).over(person)
        )
        .filter((pl.col("prev_open").fill_null(False)) | (pl.col("prev_end") > pl.col(start)))
    )


def _ordered(df: pl.DataFrame, start: str, end: str) -> int:
    return df.filter(pl.col(end) < pl.col(start)).height


@invariant
def check_ids_are_unique_in_every_table(data):
    for name, t in TABLES.items():
        if t.key:
            df = data[name]
            assert df[t.key].null_count() == 0, name
            assert df[t.key].n_unique() == df.height, name


@invariant
def check_dates_are_in_order(data):
    pairs = {
        "ssd_cin_episodes": ("cine_referral_date", "cine_close_date"),
        "ssd_cin_assessments": ("cina_assessment_start_date", "cina_assessment_auth_date"),
        "ssd_s47_enquiry": ("s47e_s47_start_date", "s47e_s47_end_date"),
        "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        "ssd_cin_plans": ("cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
        "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
        "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
        "ssd_legal_status": ("lega_legal_status_start_date", "lega_legal_status_end_date"),
        "ssd_missing": ("miss_missing_episode_start_date", "miss_missing_episode_end_date"),
        "ssd_involvements": ("invo_involvement_start_date", "invo_involvement_end_date"),
        "cb_staff": ("staf_start_date", "staf_leaving_date"),
        "ssd_pre_proceedings": ("prep_pre_pro_decision_date", "prep_agree_stepdown_issue_date"),
    }
    for name, (start, end) in pairs.items():
        assert _ordered(data[name], start, end) == 0, name
    cla = data["ssd_cla_episodes"]
    assert cla.filter(pl.col("clae_cla_episode_start_date") < pl.col("clae_entered_care_date")).height == 0
    icpc = data["ssd_initial_cp_conference"].join(
        data["ssd_s47_enquiry"], left_on="icpc_s47_enquiry_id", right_on="s47e_s47_enquiry_id"
    )
    assert icpc.filter(pl.col("icpc_icpc_date") < pl.col("s47e_s47_start_date")).height == 0


@invariant
def check_nothing_happens_before_birth(data):
    dob = data["ssd_person"].select("pers_person_id", "pers_dob")
    for name, t in TABLES.items():
        person = t.person_field
        if person is None or name == "ssd_person":
            continue
        dated = [c for c, d in t.schema.items() if d == pl.Date]
        if not dated:
            continue
        df = data[name].join(dob, left_on=person, right_on="pers_person_id", how="left")
        assert df["pers_dob"].null_count() == 0, f"{name}: a child missing from ssd_person"
        for c in dated:
            assert df.filter(pl.col(c) < pl.col("pers_dob")).height == 0, f"{name}.{c}"


@invariant
def check_no_child_is_in_two_episodes_plans_or_periods_at_once(data):
    assert (
        _no_overlap(
            data["ssd_cp_plans"], "cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"
        ).height
        == 0
    )
    assert (
        _no_overlap(
            data["ssd_cin_episodes"], "cine_person_id", "cine_referral_date", "cine_close_date"
        ).height
        == 0
    )
    assert (
        _no_overlap(
            data["ssd_cla_episodes"],
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_ceased_date",
        ).height
        == 0
    )
    assert (
        _no_overlap(
            data["ssd_cla_placement"],
            "clap_person_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_end_date",
        ).height
        == 0
    )
    assert (
        _no_overlap(
            data["ssd_missing"],
            "miss_person_id",
            "miss_missing_episode_start_date",
            "miss_missing_episode_end_date",
        ).height
        == 0
    )


@invariant
def check_episodes_are_contiguous_within_a_period_of_care(data):
    ep = data["ssd_cla_episodes"].sort("clae_cla_id", "clae_cla_episode_start_date")
    ep = ep.with_columns(
        nxt=pl.col("clae_cla_episode_start_date").shift(-1).over("clae_cla_id"),
        first=pl.int_range(pl.len()).over("clae_cla_id") == 0,
    )
    inner = ep.filter(pl.col("nxt").is_not_null())
    assert inner.filter(pl.col("clae_cla_episode_ceased_date") != pl.col("nxt")).height == 0
    assert (inner["clae_cla_episode_ceased_reason"] == "X1").all()
    last = ep.filter(pl.col("nxt").is_null() & pl.col("clae_cla_episode_ceased_date").is_not_null())
    assert not (last["clae_cla_episode_ceased_reason"] == "X1").any()
    assert (ep.filter(pl.col("first"))["clae_cla_episode_start_reason"] == "S").all()
    assert not (ep.filter(~pl.col("first"))["clae_cla_episode_start_reason"] == "S").any()


@invariant
def check_every_placement_lies_inside_its_period_of_care(data):
    ep = data["ssd_cla_episodes"]
    period = ep.group_by("clae_cla_id").agg(
        start=pl.col("clae_cla_episode_start_date").min(),
        end=pl.col("clae_cla_episode_ceased_date").max(),
        open=pl.col("clae_cla_episode_ceased_date").is_null().any(),
    )
    pl_ = data["ssd_cla_placement"].join(period, left_on="clap_cla_id", right_on="clae_cla_id", how="left")
    assert pl_["start"].null_count() == 0
    assert pl_.filter(pl.col("clap_cla_placement_start_date") < pl.col("start")).height == 0
    closed = pl_.filter(~pl.col("open"))
    assert closed.filter(pl.col("clap_cla_placement_end_date").is_null()).height == 0
    assert closed.filter(pl.col("clap_cla_placement_end_date") > pl.col("end")).height == 0
    assert ep["clae_cla_placement_id"].is_in(pl_["clap_cla_placement_id"].implode()).all()


@invariant
def check_placements_and_legal_statuses_suit_the_childs_age(data):
    dob = data["ssd_person"].select("pers_person_id", "pers_dob")
    ep = data["ssd_cla_episodes"].join(dob, left_on="clae_person_id", right_on="pers_person_id")
    place = data["ssd_cla_placement"].select("clap_cla_placement_id", "clap_cla_placement_type")
    ep = ep.join(place, left_on="clae_cla_placement_id", right_on="clap_cla_placement_id").with_columns(
        age=(pl.col("clae_cla_episode_start_date") - pl.col("pers_dob")).dt.total_days() / 365.25,
        age_end=(pl.col("clae_cla_episode_ceased_date") - pl.col("pers_dob")).dt.total_days() / 365.25,
    )
    assert ep.filter((pl.col("clap_cla_placement_type") == "S1") & (pl.col("age") < 16)).height == 0
    assert (
        ep.filter(pl.col("clap_cla_placement_type").str.starts_with("A") & (pl.col("age") >= 18)).height == 0
    )
    # placed with parents is never under a single period of s20 accommodation (903 rule 378)
    p1 = data["ssd_cla_placement"].filter(pl.col("clap_cla_placement_type") == "P1")
    v2 = data["ssd_legal_status"].filter(pl.col("lega_legal_status") == "V2")
    both = p1.join(v2, left_on="clap_person_id", right_on="lega_person_id").filter(
        (pl.col("clap_cla_placement_start_date") < pl.col("lega_legal_status_end_date").fill_null(END))
        & (pl.col("lega_legal_status_start_date") < pl.col("clap_cla_placement_end_date").fill_null(END))
    )
    assert both.height == 0
    assert ep.filter(pl.col("clae_entered_care_date") >= pl.col("pers_dob").dt.offset_by("18y")).height == 0
    rec = pl.col("clae_cla_episode_ceased_reason")
    adult = pl.col("pers_dob").dt.offset_by("18y")
    ceased = pl.col("clae_cla_episode_ceased_date")
    assert ep.filter((rec == "E17") & (ceased < adult)).height == 0
    assert ep.filter(rec.is_in(["E11", "E12", "E45", "E46", "E47", "E48"]) & (ceased >= adult)).height == 0
    assert ep.filter(rec.is_in(["E5", "E6"]) & (pl.col("age_end") < 14)).height == 0
    # special guardianship to former foster carers only from a foster placement (903 rule 516)
    sgo_foster = ep.filter(rec.is_in(["E45", "E46"]))
    assert sgo_foster["clap_cla_placement_type"].str.starts_with("U").all()
    legal = data["ssd_legal_status"]
    pp = legal.filter(pl.col("lega_legal_status") == "L1")
    assert (
        pp.filter(
            (pl.col("lega_legal_status_end_date") - pl.col("lega_legal_status_start_date"))
            > timedelta(days=3)
        ).height
        == 0
    )


@invariant
def check_every_open_case_has_exactly_one_allocation_in_the_right_team(data):
    inv = data["ssd_involvements"].filter(pl.col("invo_professional_role_id") != "IRO")
    for on in (END - timedelta(days=200), END):
        open_cases = data["ssd_cin_episodes"].filter(
            (pl.col("cine_referral_date") <= on)
            & (pl.col("cine_close_date").is_null() | (pl.col("cine_close_date") > on))
        )
        live = inv.filter(
            (pl.col("invo_involvement_start_date") <= on)
            & (pl.col("invo_involvement_end_date").is_null() | (pl.col("invo_involvement_end_date") > on))
        )
        counts = open_cases.join(
            live.group_by("invo_person_id").len(),
            left_on="cine_person_id",
            right_on="invo_person_id",
            how="left",
        )
        assert (counts["len"].fill_null(0) == 1).all(), on
    staff = data["cb_staff"].select(
        "staf_professional_id", "staf_team_id", "staf_start_date", "staf_leaving_date"
    )
    joined = data["ssd_involvements"].join(
        staff, left_on="invo_professional_id", right_on="staf_professional_id"
    )
    in_post = joined.filter(
        (pl.col("staf_start_date") <= pl.col("invo_involvement_start_date"))
        & (
            pl.col("staf_leaving_date").is_null()
            | (pl.col("staf_leaving_date") > pl.col("invo_involvement_start_date"))
        )
    )
    assert (in_post["invo_professional_team"] == in_post["staf_team_id"]).all()
    assert in_post.select("invo_involvements_id").n_unique() == data["ssd_involvements"].height


@invariant
def check_missing_episodes_fall_within_care(data):
    ep = data["ssd_cla_episodes"].select(
        person="clae_person_id",
        start="clae_cla_episode_start_date",
        end=pl.col("clae_cla_episode_ceased_date").fill_null(END),
    )
    miss = data["ssd_missing"].with_row_index("row")
    inside = miss.join(ep, left_on="miss_person_id", right_on="person").filter(
        (pl.col("miss_missing_episode_start_date") >= pl.col("start"))
        & (pl.col("miss_missing_episode_start_date") <= pl.col("end"))
    )
    assert inside["row"].n_unique() == miss.height


@invariant
def check_each_worker_has_one_registration_number_of_their_own(data):
    staff = data["cb_staff"].select("staf_staff_id", "staf_swe_registration").unique()
    assert staff["staf_staff_id"].n_unique() == staff.height
    assert staff["staf_swe_registration"].n_unique() == staff.height


@invariant
def check_staff_hold_posts_only_while_they_are_funded(data):
    posts = data["cb_establishment"].select("estb_post_id", "estb_start_date", "estb_end_date")
    spells = data["cb_staff"].join(posts, left_on="staf_post_id", right_on="estb_post_id", how="left")
    assert spells["estb_start_date"].null_count() == 0
    assert spells.filter(pl.col("staf_start_date") < pl.col("estb_start_date")).height == 0
    ended = spells.filter(pl.col("estb_end_date").is_not_null())
    assert ended.filter(pl.col("staf_leaving_date").is_null()).height == 0
    assert ended.filter(pl.col("staf_leaving_date") > pl.col("estb_end_date")).height == 0


def _periods_of_care(data) -> pl.DataFrame:
    return (
        data["ssd_cla_episodes"]
        .group_by("clae_cla_id")
        .agg(
            person=pl.col("clae_person_id").first(),
            start=pl.col("clae_cla_episode_start_date").min(),
            end=pl.when(pl.col("clae_cla_episode_ceased_date").is_null().any())
            .then(None)
            .otherwise(pl.col("clae_cla_episode_ceased_date").max()),
        )
    )


@invariant
def check_missing_periods_are_closed_by_the_time_care_ends(data):
    periods = _periods_of_care(data)
    miss = data["ssd_missing"].with_row_index("row")
    inside = miss.join(periods, left_on="miss_person_id", right_on="person").filter(
        (pl.col("miss_missing_episode_start_date") >= pl.col("start"))
        & (pl.col("end").is_null() | (pl.col("miss_missing_episode_start_date") <= pl.col("end")))
    )
    assert inside["row"].n_unique() == miss.height
    ended = inside.filter(pl.col("end").is_not_null())
    assert ended.filter(pl.col("miss_missing_episode_end_date").is_null()).height == 0
    assert ended.filter(pl.col("miss_missing_episode_end_date") > pl.col("end")).height == 0


@invariant
def check_sdq_convictions_and_substance_misuse_only_while_looked_after(data):
    periods = _periods_of_care(data)
    for name, person, day in (
        ("ssd_sdq_scores", "csdq_person_id", "csdq_sdq_completed_date"),
        ("ssd_cla_convictions", "clac_person_id", "clac_cla_conviction_date"),
        ("ssd_cla_substance_misuse", "clas_person_id", "clas_substance_misuse_date"),
    ):
        rows = data[name].with_row_index("row")
        assert rows[day].null_count() == 0, name
        inside = rows.join(periods, left_on=person, right_on="person").filter(
            (pl.col(day) >= pl.col("start")) & (pl.col("end").is_null() | (pl.col(day) < pl.col("end")))
        )
        assert inside["row"].n_unique() == rows.height, name
    sdq = data["ssd_sdq_scores"]
    assert (sdq["csdq_sdq_score"].is_null() != sdq["csdq_sdq_reason"].is_null()).all()
    assert sdq["csdq_sdq_score"].drop_nulls().is_between(0, 40).all()
    assert sdq["csdq_sdq_reason"].drop_nulls().is_in(["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"]).all()
    misuse = data["ssd_cla_substance_misuse"]
    assert misuse.filter(
        (pl.col("clas_intervention_received") == "Y") & (pl.col("clas_intervention_offered") != "Y")
    ).is_empty()


@invariant
def check_every_girl_of_12_or_over_looked_after_has_a_mother_flag(data):
    cared = data["ssd_cla_episodes"]["clae_person_id"].unique().implode()
    girls = data["ssd_person"].filter((pl.col("pers_sex") == "F") & pl.col("pers_person_id").is_in(cared))
    twelve = girls.filter(pl.col("pers_dob").dt.offset_by("12y") <= END)
    assert twelve["pers_is_mother"].is_in(["Y", "N"]).fill_null(False).all()
    mothers = data["ssd_mother"].join(
        data["ssd_person"], left_on="moth_person_id", right_on="pers_person_id", how="left"
    )
    assert (mothers["pers_is_mother"] == "Y").fill_null(False).all()
    assert (mothers["pers_sex"] == "F").fill_null(False).all()
    assert mothers["moth_person_id"].is_in(cared).all()
    assert mothers.filter(pl.col("moth_childs_dob") <= pl.col("pers_dob").dt.offset_by("12y")).is_empty()
    assert mothers.filter(pl.col("moth_childs_dob") > END).is_empty()
    flagged = data["ssd_person"].filter(pl.col("pers_is_mother") == "Y")["pers_person_id"]
    assert flagged.is_in(mothers["moth_person_id"].implode()).all()


@invariant
def check_upns_are_valid_unique_and_for_life(data):
    upn = data["ssd_linked_identifiers"].filter(pl.col("link_identifier_type") == "Unique Pupil Number")
    values = upn["link_identifier_value"]
    assert values.n_unique() == upn.height
    assert upn["link_person_id"].n_unique() == upn.height
    assert values.str.contains(r"^[A-HJ-NPQR-Z]318\d{9}$").all()
    assert [_check_letter(v[1:]) for v in values.to_list()] == [v[0] for v in values.to_list()]
    assert (
        upn["link_valid_from_date"].null_count() == 0 and upn["link_valid_to_date"].null_count() == upn.height
    )
    person = data["ssd_person"].join(upn, left_on="pers_person_id", right_on="link_person_id", how="left")
    # a child without a UPN has a code saying why; school-age children never UN1, nobody UN4
    no_upn = person.filter(pl.col("link_identifier_value").is_null())
    assert no_upn["pers_upn_unknown"].null_count() == 0
    assert not person["pers_upn_unknown"].is_in(["UN4"]).any()
    assert person["pers_upn_unknown"].drop_nulls().is_in(["UN1", "UN2", "UN3", "UN5"]).all()
    school_age = no_upn.filter(pl.col("pers_dob").dt.offset_by("5y") < END)
    assert not (school_age["pers_upn_unknown"] == "UN1").any()


def _check_letter(digits: str) -> str:
    """The DfE's UPN check letter, written out plainly: weights 2-13, remainder of 23."""
    total = sum(int(c) * w for c, w in zip(digits, range(2, 14), strict=True))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]


@invariant
def check_placements_are_at_known_postcodes_own_provision_inside_the_council(data):
    known = postcodes()
    where = pl.DataFrame({"postcode": known.postcode, "upper": known.upper_la_code})
    place = data["ssd_cla_placement"].join(
        where, left_on="clap_cla_placement_postcode", right_on="postcode", how="left"
    )
    assert place["upper"].null_count() == 0
    own = place.filter(pl.col("clap_cla_placement_provider") == "PR1")
    assert (own["upper"] == LA_ONS_CODE).all()
    home = (
        data["ssd_address"]
        .select("addr_person_id", "addr_address_postcode", "addr_address_start_date")
        .sort("addr_address_start_date")
    )
    at = place.sort("clap_cla_placement_start_date").join_asof(
        home,
        left_on="clap_cla_placement_start_date",
        right_on="addr_address_start_date",
        by_left="clap_person_id",
        by_right="addr_person_id",
        check_sortedness=False,
    )
    with_home = at.filter(pl.col("addr_address_postcode").is_not_null())
    p1 = pl.col("clap_cla_placement_type") == "P1"
    same = pl.col("clap_cla_placement_postcode") == pl.col("addr_address_postcode")
    assert with_home.filter(p1 != same).is_empty()
    assert with_home["clap_cla_placement_distance"].null_count() == 0
    assert at.filter(pl.col("addr_address_postcode").is_null())[
        "clap_cla_placement_distance"
    ].null_count() == (at.filter(pl.col("addr_address_postcode").is_null()).height)


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__.removeprefix("check_") for c in CHECKS])
def test_a_generated_council_is_consistent(data, check):
    check(data)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=councils)
def test_councils_from_any_seed_are_consistent(data):
    for check in CHECKS:
        check(data)
