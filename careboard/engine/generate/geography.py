"""Where children live and where they are placed: real postcodes of a borrowed geography.

The synthetic council keeps its own name but borrows the geography of the London Borough of
Richmond upon Thames (ONS code ``E09000027``, DfE LA number 318; see :mod:`.params`). Postcodes
come from ``data/postcodes.csv``: a small seeded sample of real postcode centroids in Richmond,
its neighbours, a ring of councils 10-30 miles away and a few distant ones, extracted from the ONS
Postcode Directory bundled with the DfE validators by ``scripts/extract_postcodes.py``. They are
geographic reference rows only; nobody's address. The DfE SSDA903 validator looks placement
postcodes up in the same directory to find the placement's council and whether it is inside the
council's area, so they have to be real.

Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail
copyright and database right; Source: Office for National Statistics, ONS Postcode Directory,
licensed under the Open Government Licence v3.0.

- Home addresses (``ssd_address``, type ``HOME``): every child except unaccompanied asylum
  seekers (who had no home in England) lives at a postcode inside the council's area; a quarter
  moved home once before they were first looked after (the earlier home sometimes in a
  neighbouring council). Nobody moves home while looked after, so a period of care has one home.
- Placements: placed with parents (P1) at the child's home; the council's own provision (PR1)
  inside its area; a children's home, secure unit, supported accommodation or family centre at
  one fixed postcode per Ofsted URN; other placements (independent fostering, adoption agencies,
  relatives) at a postcode about the distance from the child's home that the care simulation
  drew for the placement. ``clap_cla_placement_distance`` is the DfE's straight-line distance
  (miles, one decimal) between the home and placement postcodes; blank without a home postcode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import polars as pl

from careboard.engine.generate import params as P
from careboard.engine.generate.frames import NA, days_to_date
from careboard.engine.schema import table

# placement types at a provider's own address, one per Ofsted URN
URN_AT_ONE_ADDRESS = frozenset({"K1", "K2", "R3", "S1"})
# median miles from the council's centre of independent provision at one address, by type
_URN_MEDIAN_MILES = {"K1": 45.0, "K2": 30.0, "R3": 12.0, "S1": 8.0}
_MILES_PER_KM = 1 / 1.6093
_LONDON_SPREAD = 1.6


@dataclass(frozen=True)
class Postcodes:
    """The bundled postcode sample as arrays; index ``i`` is one postcode."""

    postcode: npt.NDArray[np.str_]
    easting: npt.NDArray[np.float64]
    northing: npt.NDArray[np.float64]
    la_code: npt.NDArray[np.str_]
    upper_la_code: npt.NDArray[np.str_]
    ring: npt.NDArray[np.str_]

    @property
    def own(self) -> npt.NDArray[np.int64]:
        """Indices of the postcodes inside the council's area."""
        return np.flatnonzero(self.upper_la_code == P.LA_ONS_CODE)

    def miles(self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """The DfE's placement distance: straight line between grid references, in miles to 0.1."""
        d = np.hypot(self.easting[a] - self.easting[b], self.northing[a] - self.northing[b])
        return np.asarray(np.round(d / 1000 * _MILES_PER_KM, 1), dtype=np.float64)


@cache
def postcodes() -> Postcodes:
    text = resources.files("careboard.engine.generate").joinpath("data/postcodes.csv").read_bytes()
    df = pl.read_csv(text, schema_overrides={"easting": pl.Float64, "northing": pl.Float64})
    return Postcodes(
        postcode=df["postcode"].to_numpy().astype(str),
        easting=df["easting"].to_numpy(),
        northing=df["northing"].to_numpy(),
        la_code=df["la_code"].to_numpy().astype(str),
        upper_la_code=df["upper_la_code"].to_numpy().astype(str),
        ring=df["ring"].to_numpy().astype(str),
    )


def _uasc(tables: dict[str, pl.DataFrame]) -> pl.Series:
    """Children who came into care as unaccompanied asylum seekers (need code N8)."""
    return (
        tables["ssd_cla_episodes"]
        .filter(pl.col("clae_cla_primary_need_code") == "N8")
        .get_column("clae_person_id")
        .unique()
    )


def addresses(tables: dict[str, pl.DataFrame], rng: np.random.Generator, end: date) -> None:
    """Home addresses: one or two per child, none for unaccompanied asylum seekers."""
    pc = postcodes()
    own = pc.own
    near = np.flatnonzero(pc.ring == "neighbour")
    first_care = (
        tables["ssd_cla_episodes"]
        .group_by("clae_person_id")
        .agg(pl.col("clae_entered_care_date").min().alias("_care"))
    )
    people = (
        tables["ssd_person"]
        .select("pers_person_id", "pers_dob")
        .filter(~pl.col("pers_person_id").is_in(_uasc(tables).implode()))
        .join(first_care, left_on="pers_person_id", right_on="clae_person_id", how="left")
        .sort("pers_person_id")
    )
    n = people.height
    dob = people["pers_dob"].to_physical().to_numpy().astype(np.int64)
    end_day = (end - date(1970, 1, 1)).days
    until = people["_care"].to_physical().fill_null(end_day).to_numpy().astype(np.int64)
    until = np.minimum(until, end_day)
    home = own[rng.integers(0, len(own), n)]
    # a quarter moved once, at least two months after birth and before first being looked after
    span = until - dob - 60
    moved = (rng.random(n) < 0.25) & (span > 30)
    move_day = dob + 60 + (rng.random(n) * np.maximum(span, 1)).astype(np.int64)
    earlier = np.where(
        rng.random(n) < 0.7, own[rng.integers(0, len(own), n)], near[rng.integers(0, len(near), n)]
    )
    # never the same postcode twice in a row
    earlier = np.where(earlier == home, own[(np.searchsorted(own, home) + 1) % len(own)], earlier)
    ids = people["pers_person_id"]
    m = np.flatnonzero(moved)
    df = pl.DataFrame(
        {
            "addr_person_id": pl.concat([ids.gather(m), ids]),
            "_pc": np.concatenate([earlier[m], home]),
            "addr_address_start_date": days_to_date(np.concatenate([dob[m], np.where(moved, move_day, dob)])),
            "addr_address_end_date": days_to_date(np.concatenate([move_day[m], np.full(n, NA)])),
        }
    ).sort("addr_person_id", "addr_address_start_date")
    where = df["_pc"].to_numpy()
    df = df.with_columns(
        addr_table_id=pl.format("AD{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)),
        addr_address_type=pl.lit("HOME"),
        addr_address_postcode=pl.Series(pc.postcode[where], dtype=pl.String),
        addr_address_json=pl.concat_str(
            pl.lit(
                '{"ROOM": "", "FLOOR": "", "FLAT": "", "BUILDING": "", "HOUSE": "", "STREET": "", '
                '"TOWN": "", "UPRN": "", "EASTING": "'
            ),
            pl.Series(pc.easting[where], dtype=pl.Int64).cast(pl.String),
            pl.lit('", "NORTHING": "'),
            pl.Series(pc.northing[where], dtype=pl.Int64).cast(pl.String),
            pl.lit('"}'),
        ),
    )
    tables["ssd_address"] = table("ssd_address").conform(df.drop("_pc"))


def _about(
    pc: Postcodes,
    rng: np.random.Generator,
    east: npt.NDArray[np.float64],
    north: npt.NDArray[np.float64],
    miles: npt.NDArray[np.float64],
    avoid: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """For each origin, a postcode about ``miles`` away: the nearest to that distance of a few
    dozen drawn at random (never ``avoid``, the origin's own postcode, or -1 for none)."""
    k = 48
    cand = rng.integers(0, len(pc.postcode), (len(miles), k))
    d = np.hypot(pc.easting[cand] - east[:, None], pc.northing[cand] - north[:, None]) / 1000 * _MILES_PER_KM
    gap = np.abs(d - miles[:, None]) + np.where(cand == avoid[:, None], np.inf, 0.0)
    return np.asarray(cand[np.arange(len(miles)), np.argmin(gap, axis=1)], dtype=np.int64)


def placements(tables: dict[str, pl.DataFrame], rng: np.random.Generator) -> None:
    """Postcode and distance from home of every placement."""
    pc = postcodes()
    own = pc.own
    place = tables["ssd_cla_placement"]
    if place.height == 0:
        return
    index = pl.DataFrame({"_postcode": pc.postcode, "_pc": np.arange(len(pc.postcode))})
    home = (
        tables["ssd_address"]
        .filter(pl.col("addr_address_type") == "HOME")
        .join(index, left_on="addr_address_postcode", right_on="_postcode")
        .select("addr_person_id", "addr_address_start_date", "_pc")
        .sort("addr_address_start_date")
    )
    p = (
        place.with_row_index("_row")
        .sort("clap_cla_placement_start_date")
        .join_asof(
            home,
            left_on="clap_cla_placement_start_date",
            right_on="addr_address_start_date",
            by_left="clap_person_id",
            by_right="addr_person_id",
            strategy="backward",
            check_sortedness=False,
        )
        .sort("_row")
    )
    n = p.height
    kind = p["clap_cla_placement_type"].fill_null("").to_numpy().astype(str)
    provider = p["clap_cla_placement_provider"].fill_null("").to_numpy().astype(str)
    urn = p["clap_cla_placement_urn"].fill_null("").to_numpy().astype(str)
    # the simulation's distances are for councils anywhere; a small London borough places
    # further from home than most (a fifth of its placements over 20 miles, the DfE's figure)
    target = p["clap_cla_placement_distance"].fill_null(7.5).to_numpy().astype(np.float64) * _LONDON_SPREAD
    home_pc = p["_pc"].fill_null(-1).to_numpy().astype(np.int64)

    # children without a home postcode (unaccompanied asylum seekers) from the council's centre
    centre_e, centre_n = pc.easting[own].mean(), pc.northing[own].mean()
    has_home = home_pc >= 0
    east = np.where(has_home, pc.easting[np.maximum(home_pc, 0)], centre_e)
    north = np.where(has_home, pc.northing[np.maximum(home_pc, 0)], centre_n)
    chosen = _about(pc, rng, east, north, target, home_pc)
    own_pick = own[rng.integers(0, len(own), n)]
    by_own = provider == "PR1"
    chosen = np.where(by_own, own_pick, chosen)
    # providers at one address: each URN keeps one postcode, the council's own inside its area
    at_urn = np.isin(kind, list(URN_AT_ONE_ADDRESS)) & (urn != "")
    if at_urn.any():
        urns, first = np.unique(urn[at_urn], return_index=True)
        u_kind = kind[at_urn][first]
        u_own = provider[at_urn][first] == "PR1"
        median = np.array([_URN_MEDIAN_MILES.get(k, 10.0) for k in u_kind])
        miles = rng.lognormal(np.log(median), 0.7)
        u_pc = np.where(
            u_own,
            own[rng.integers(0, len(own), len(urns))],
            _about(
                pc,
                rng,
                np.full(len(urns), centre_e),
                np.full(len(urns), centre_n),
                miles,
                np.full(len(urns), -1),
            ),
        )
        chosen[at_urn] = u_pc[np.searchsorted(urns, urn[at_urn])]
    with_parents = (kind == "P1") & (home_pc >= 0)
    chosen = np.where(with_parents, home_pc, chosen)
    # only a placement with parents is at the child's home (903 rule 392d)
    clash = ~with_parents & (chosen == home_pc)
    chosen = np.where(clash, own[(np.searchsorted(own, chosen) + 1) % len(own)], chosen)
    distance = np.where(home_pc >= 0, pc.miles(np.maximum(home_pc, 0), chosen), np.nan)
    tables["ssd_cla_placement"] = place.with_columns(
        clap_cla_placement_postcode=pl.Series(pc.postcode[chosen]),
        clap_cla_placement_distance=pl.Series(distance).fill_nan(None),
    )
