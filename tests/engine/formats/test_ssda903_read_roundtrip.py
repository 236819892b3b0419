"""The 903 items added in 2024/25's model (UPN, mothers' children, postcodes, SDQ, convictions,
substance misuse) survive write -> read -> write, on a small council that has every one of them
(the generated councils of the other round-trip tests have few young mothers or convictions)."""

from datetime import date

import polars as pl
import pytest

from careboard.engine.formats import ssda903
from careboard.engine.schema import table
from careboard.engine.store import Dataset
from tests.engine.formats.roundtrip import differences

YEAR = 2025  # 2024/25: 1 April 2024 - 31 March 2025
START = date(2023, 1, 10)
MOVED = date(2024, 6, 1)


def _t(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return table(name).conform(pl.DataFrame(rows, infer_schema_length=None))


@pytest.fixture
def council() -> Dataset:
    person = [
        {"pers_person_id": "1", "pers_sex": "F", "pers_dob": date(2008, 2, 1), "pers_ethnicity": "WBRI",
         "pers_is_mother": "Y"},
        {"pers_person_id": "2", "pers_sex": "M", "pers_dob": date(2012, 2, 1), "pers_ethnicity": "MWBC",
         "pers_upn_unknown": "UN2"},
    ]  # fmt: skip
    episodes = [
        # child 1: in care since January 2023; child 2 moved placement in the year (not a break)
        {"clae_cla_episode_id": "e1", "clae_person_id": "1", "clae_cla_episode_start_date": START,
         "clae_cla_episode_start_reason": "S", "clae_cla_primary_need_code": "N1", "clae_cla_id": "c1",
         "clae_cla_placement_id": "p1", "clae_entered_care_date": START},
        {"clae_cla_episode_id": "e2", "clae_person_id": "2", "clae_cla_episode_start_date": START,
         "clae_cla_episode_start_reason": "S", "clae_cla_primary_need_code": "N2", "clae_cla_id": "c2",
         "clae_cla_placement_id": "p2", "clae_entered_care_date": START,
         "clae_cla_episode_ceased_date": MOVED, "clae_cla_episode_ceased_reason": "X1"},
        {"clae_cla_episode_id": "e3", "clae_person_id": "2", "clae_cla_episode_start_date": MOVED,
         "clae_cla_episode_start_reason": "P", "clae_cla_primary_need_code": "N2", "clae_cla_id": "c2",
         "clae_cla_placement_id": "p3", "clae_entered_care_date": START},
    ]  # fmt: skip
    placements = [
        {"clap_cla_placement_id": "p1", "clap_person_id": "1", "clap_cla_id": "c1",
         "clap_cla_placement_start_date": START, "clap_cla_placement_type": "U1",
         "clap_cla_placement_provider": "PR1", "clap_cla_placement_postcode": "TW2 2BB"},
        {"clap_cla_placement_id": "p2", "clap_person_id": "2", "clap_cla_id": "c2",
         "clap_cla_placement_start_date": START, "clap_cla_placement_type": "U1",
         "clap_cla_placement_provider": "PR1", "clap_cla_placement_postcode": "TW9 9ZZ",
         "clap_cla_placement_end_date": MOVED, "clap_cla_placement_change_reason": "CARPL"},
        {"clap_cla_placement_id": "p3", "clap_person_id": "2", "clap_cla_id": "c2",
         "clap_cla_placement_start_date": MOVED, "clap_cla_placement_type": "K2",
         "clap_cla_placement_provider": "PR4", "clap_cla_placement_urn": "SC123456",
         "clap_cla_placement_postcode": "KT1 1AA"},
    ]  # fmt: skip
    legal = [
        {"lega_legal_status_id": f"l{p}", "lega_person_id": p, "lega_legal_status": "C2",
         "lega_legal_status_start_date": START}
        for p in ("1", "2")
    ]  # fmt: skip
    return Dataset(
        {
            "ssd_person": _t("ssd_person", person),
            "ssd_cla_episodes": _t("ssd_cla_episodes", episodes),
            "ssd_cla_placement": _t("ssd_cla_placement", placements),
            "ssd_legal_status": _t("ssd_legal_status", legal),
            "ssd_address": _t(
                "ssd_address",
                [
                    {
                        "addr_table_id": "a1",
                        "addr_person_id": "1",
                        "addr_address_type": "HOME",
                        "addr_address_start_date": START,
                        "addr_address_postcode": "TW1 1AA",
                    }
                ],
            ),
            "ssd_linked_identifiers": _t(
                "ssd_linked_identifiers",
                [
                    {
                        "link_table_id": "u1",
                        "link_person_id": "1",
                        "link_identifier_type": "Unique Pupil Number",
                        "link_identifier_value": "A123456789012",
                    }
                ],
            ),
            "ssd_mother": _t(
                "ssd_mother",
                [{"moth_table_id": "m1", "moth_person_id": "1", "moth_childs_dob": date(2024, 1, 1)}],
            ),
            "ssd_sdq_scores": _t(
                "ssd_sdq_scores",
                [
                    {
                        "csdq_table_id": "s1",
                        "csdq_person_id": "1",
                        "csdq_sdq_completed_date": date(2024, 6, 1),
                        "csdq_sdq_score": 12,
                    },
                    {
                        "csdq_table_id": "s2",
                        "csdq_person_id": "2",
                        "csdq_sdq_completed_date": date(2024, 7, 1),
                        "csdq_sdq_reason": "SDQ1",
                    },
                ],
            ),
            "ssd_cla_convictions": _t(
                "ssd_cla_convictions",
                [
                    {
                        "clac_cla_conviction_id": "v1",
                        "clac_person_id": "1",
                        "clac_cla_conviction_date": date(2024, 7, 1),
                    }
                ],
            ),
            "ssd_cla_substance_misuse": _t(
                "ssd_cla_substance_misuse",
                [
                    {
                        "clas_substance_misuse_id": "sm1",
                        "clas_person_id": "1",
                        "clas_substance_misuse_date": date(2024, 8, 1),
                        "clas_intervention_received": "N",
                        "clas_intervention_offered": "Y",
                    }
                ],
            ),
        }
    )


def test_the_council_carries_every_new_item(council):
    header, episodes, oc2 = (ssda903.tables_for_year(council, YEAR)[n] for n in ("header", "episodes", "oc2"))
    assert header.select("CHILD", "UPN", "MOTHER", "MC_DOB").rows() == [
        ("1", "A123456789012", "1", date(2024, 1, 1)),
        ("2", "UN2", None, None),
    ]
    assert episodes["HOME_POST"].to_list() == ["TW1 1AA", None, None]
    assert episodes["PL_POST"].to_list() == ["TW2 2BB", "TW9 9ZZ", "KT1 1AA"]
    cols = ["SDQ_SCORE", "SDQ_REASON", "CONVICTED", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED"]
    assert oc2.select("CHILD", *cols, "INTERVENTION_OFFERED").rows() == [
        ("1", "12", None, "1", "1", "0", "1"),
        ("2", None, "SDQ1", "0", "0", None, None),
    ]


@pytest.mark.parametrize("out", ["csv", "return.xml"])
def test_new_items_come_back_from_the_return_unchanged(council, tmp_path, out):
    before = ssda903.tables_for_year(council, YEAR)
    back = ssda903.read(ssda903.write(council, tmp_path / out, year=YEAR))
    assert back.issues == []
    assert differences(before, ssda903.tables_for_year(back.dataset(), YEAR)) == []


def test_rewriting_what_was_read_gives_the_same_files(council, tmp_path):
    first = ssda903.write(council, tmp_path / "a", year=YEAR)
    second = ssda903.write(ssda903.read(first).dataset(), tmp_path / "b", year=YEAR)
    for a, b in zip(first, second, strict=True):
        assert a.read_text() == b.read_text(), a.name
