from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from careboard.engine.generate.geography import URN_AT_ONE_ADDRESS, Postcodes, postcodes
from careboard.engine.generate.params import LA_ONS_CODE
from tests.engine.generate.test_invariants import (
    check_placements_are_at_known_postcodes_own_provision_inside_the_council,
)

DATA = Path(__file__).resolve().parents[3] / "careboard" / "engine" / "generate" / "data"


def _with_postcode(data, column: str) -> pl.DataFrame:
    known = postcodes()
    where = pl.DataFrame({"postcode": known.postcode, "upper": known.upper_la_code})
    return data.join(where, left_on=column, right_on="postcode", how="left")


def test_distance_is_the_dfe_straight_line_in_miles_to_one_decimal():
    two = Postcodes(
        postcode=np.array(["TW1 1AA", "KT1 4AE"]),
        easting=np.array([516048.0, 517480.0]),
        northing=np.array([173668.0, 169334.0]),
        la_code=np.array(["E09000027"] * 2),
        upper_la_code=np.array(["E09000027"] * 2),
        ring=np.array(["own"] * 2),
    )
    # sqrt(1432^2 + 4334^2) = 4564.4 m = 2.84 miles
    assert two.miles(np.array([0, 0]), np.array([1, 0])).tolist() == [2.8, 0.0]


def test_the_bundled_postcodes_cover_the_council_its_neighbours_and_further_away():
    pc = postcodes()
    assert len(set(pc.postcode.tolist())) == len(pc.postcode)
    assert len(pc.own) >= 300
    assert set(pc.ring[pc.own].tolist()) == {"own"}
    assert set(pc.upper_la_code[pc.ring != "own"].tolist()).isdisjoint({LA_ONS_CODE})
    assert {"neighbour", "near", "far"} <= set(pc.ring.tolist())
    assert "Contains OS data © Crown copyright and database right" in (DATA / "README.md").read_text()


def test_placements_are_at_known_postcodes_and_own_provision_is_inside_the_council(big_council):
    check_placements_are_at_known_postcodes_own_provision_inside_the_council(big_council)


def test_about_two_fifths_of_placements_are_outside_the_council_and_a_fifth_over_20_miles(big_council):
    recent = _with_postcode(big_council["ssd_cla_placement"], "clap_cla_placement_postcode").filter(
        pl.col("clap_cla_placement_start_date") >= date(2021, 4, 1)
    )
    assert recent.height > 300
    outside = (recent["upper"] != LA_ONS_CODE).mean()
    far = (recent["clap_cla_placement_distance"].drop_nulls() > 20).mean()
    assert 0.3 < outside < 0.55, outside
    assert 0.1 < far < 0.3, far


def test_every_child_looked_after_has_a_home_except_unaccompanied_asylum_seekers(big_council):
    ep = big_council["ssd_cla_episodes"]
    uasc = ep.filter(pl.col("clae_cla_primary_need_code") == "N8")["clae_person_id"].unique()
    cared = ep["clae_person_id"].unique()
    homes = big_council["ssd_address"].filter(pl.col("addr_address_type") == "HOME")
    with_home = set(homes["addr_person_id"].to_list())
    assert set(cared.to_list()) - set(uasc.to_list()) <= with_home
    assert with_home.isdisjoint(set(uasc.to_list()))
    assert _with_postcode(homes, "addr_address_postcode")["upper"].null_count() == 0
    # a child's homes follow one another without overlapping; the current one is open
    ordered = homes.sort("addr_person_id", "addr_address_start_date").with_columns(
        next_start=pl.col("addr_address_start_date").shift(-1).over("addr_person_id")
    )
    assert ordered.filter(
        pl.col("next_start").is_not_null() & (pl.col("addr_address_end_date") != pl.col("next_start"))
    ).is_empty()
    assert ordered.filter(
        pl.col("next_start").is_null() & pl.col("addr_address_end_date").is_not_null()
    ).is_empty()


def test_a_provider_at_one_address_keeps_its_postcode(big_council):
    at = big_council["ssd_cla_placement"].filter(
        pl.col("clap_cla_placement_type").is_in(list(URN_AT_ONE_ADDRESS))
        & pl.col("clap_cla_placement_urn").is_not_null()
    )
    per_urn = at.group_by("clap_cla_placement_urn").agg(
        pl.col("clap_cla_placement_postcode").n_unique().alias("n")
    )
    assert per_urn.height > 10
    # only a child whose home happens to share the provider's postcode is moved next door
    assert (per_urn["n"] > 1).mean() < 0.05
