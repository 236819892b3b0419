import re

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from careboard.engine.formats.identifiers import upn_check_letter
from careboard.engine.generate.identity import make_upns
from tests.engine.generate.conftest import BIG_END
from tests.engine.generate.test_invariants import (
    _check_letter,
    check_every_girl_of_12_or_over_looked_after_has_a_mother_flag,
    check_upns_are_valid_unique_and_for_life,
)


def _letters(digits: list[str]) -> list[str | None]:
    """The check letter for each 12-digit string (characters 2-13 of a UPN)."""
    frame = pl.DataFrame({"d": digits}, schema={"d": pl.String})
    return frame.select(upn_check_letter(pl.lit("-") + pl.col("d"))).to_series().to_list()


def test_check_letters_agree_with_known_upns():
    # UPNs from the DfE CIN validator's own examples of valid and invalid check letters
    valid = ["A950000178301", "H243278544154", "X845212818005"]
    wrong = ["R247962919251", "X428558133462"]
    assert _letters([u[1:] for u in valid]) == [u[0] for u in valid]
    assert all(_letters([u[1:]])[0] != u[0] for u in wrong)


@given(st.lists(st.text(alphabet="0123456789", min_size=12, max_size=12), min_size=1, max_size=20))
def test_the_check_letter_is_the_weighted_sum_modulo_23(digits):
    letters = _letters(digits)
    assert letters == [_check_letter(d) for d in digits]
    assert not set(letters) & {"I", "O", "S"}


@given(st.integers(0, 9999), st.integers(1990, 2030), st.integers(0, 999))
def test_made_upns_have_the_dfe_shape_and_la_number(school, year, serial):
    upn = make_upns("318", np.array([school]), np.array([year]), np.array([serial]))[0]
    assert re.fullmatch(r"[A-HJ-NPQR-Z]318\d{9}", upn)
    assert upn[4:8] == f"{school:04d}" and upn[8:10] == f"{year % 100:02d}" and upn[10:] == f"{serial:03d}"
    assert upn[0] == _check_letter(upn[1:])


def test_upns_and_unknown_codes_of_a_council(big_council):
    check_upns_are_valid_unique_and_for_life(big_council)
    person = big_council["ssd_person"].join(
        big_council["ssd_linked_identifiers"], left_on="pers_person_id", right_on="link_person_id", how="left"
    )
    school_age = person.filter(pl.col("pers_dob").dt.offset_by("5y") < BIG_END)
    assert school_age["link_identifier_value"].is_not_null().mean() > 0.95
    young = person.filter(pl.col("pers_dob").dt.offset_by("4y") > BIG_END)
    assert young["link_identifier_value"].is_null().all()
    assert (young["pers_upn_unknown"] == "UN1").all()


def test_a_few_looked_after_girls_are_mothers(big_council):
    check_every_girl_of_12_or_over_looked_after_has_a_mother_flag(big_council)
    cared = big_council["ssd_cla_episodes"]["clae_person_id"].unique().implode()
    girls = big_council["ssd_person"].filter(
        (pl.col("pers_sex") == "F")
        & pl.col("pers_person_id").is_in(cared)
        & pl.col("pers_is_mother").is_not_null()
    )
    share = (girls["pers_is_mother"] == "Y").mean()
    assert 0.01 <= share <= 0.05, share
