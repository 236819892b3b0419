"""The council's identifiers and children's UPNs, shared by the DfE return writers."""

from datetime import date

import polars as pl
import pytest

from careboard.engine.formats import identifiers
from careboard.engine.store import Dataset

UPN = identifiers.UPN_TYPE


def _population(numbers: list[str | None], codes: list[str | None]) -> dict[str, pl.DataFrame]:
    return {
        "cb_population": pl.DataFrame(
            {
                "popu_row_id": [str(i) for i in range(len(numbers))],
                "popu_year": list(range(2020, 2020 + len(numbers))),
                "popu_la_number": numbers,
                "popu_la_code": codes,
            },
            schema_overrides={"popu_la_number": pl.String, "popu_la_code": pl.String},
        )
    }


def test_la_number_and_ons_code_are_the_latest_well_formed_ones():
    data = _population(["317", "318", None], ["E09000026", "E09000027", "x"])
    assert identifiers.la_number(data) == "318"
    assert identifiers.la_ons_code(data) == "E09000027"


def test_a_return_without_an_la_number_says_000_and_warns():
    with pytest.warns(identifiers.LaNumberUnknown, match="CIN census"):
        assert identifiers.la_number_for_return(_population([None], ["E09000027"]), "CIN census") == "000"
    with pytest.warns(identifiers.LaNumberUnknown):
        assert identifiers.la_number_for_return({}, "Workforce census") == "000"


def test_the_upn_known_on_a_day_and_the_one_it_replaced():
    links = pl.DataFrame(
        {
            "link_table_id": ["1", "2", "3", "4", "5"],
            "link_person_id": ["A", "A", "B", "C", "D"],
            "link_identifier_type": [UPN, UPN, UPN, "NHS Number", UPN],
            "link_identifier_value": ["A1", "A2", "B1", "C1", "D1"],
            "link_valid_from_date": [date(2016, 9, 1), date(2024, 9, 1), date(2025, 4, 1), None, None],
            "link_valid_to_date": [date(2024, 8, 31), None, None, None, date(2020, 1, 1)],
        }
    )
    got = identifiers.upns_at({"ssd_linked_identifiers": links}, date(2025, 3, 31))
    assert got.to_dicts() == [
        {"person_id": "A", "UPN": "A2", "FormerUPN": "A1"},
        {"person_id": "D", "UPN": "D1", "FormerUPN": None},  # ended, never replaced: still the child's
    ]
    earlier = identifiers.upns_at({"ssd_linked_identifiers": links}, date(2020, 3, 31))
    assert earlier["UPN"].to_list() == ["A1", "D1"]


def test_undated_upns_are_told_apart_by_their_ids_as_the_readers_make_them():
    links = pl.DataFrame(
        {
            "link_table_id": ["A/UPN/A2", "A/FormerUPN/A1"],
            "link_person_id": ["A", "A"],
            "link_identifier_type": [UPN, UPN],
            "link_identifier_value": ["A2", "A1"],
        }
    )
    got = identifiers.upns_at(Dataset({"ssd_linked_identifiers": links}), date(2025, 3, 31))
    assert got.to_dicts() == [{"person_id": "A", "UPN": "A2", "FormerUPN": "A1"}]
