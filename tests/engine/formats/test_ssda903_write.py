"""What the SSDA903 writer puts in the items the DfE asks of some children only: UPN, motherhood,
postcodes and the OC2 SDQ, conviction and substance misuse items (2024/25: 1 April 2024 - 31
March 2025), built from small literal canonical tables."""

from datetime import date

import polars as pl

from careboard.engine.formats import ssda903
from careboard.engine.store import Dataset
from tests.engine.formats.roundtrip import differences

UPN = "Unique Pupil Number"


def _people(*rows: tuple[str, str, date]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "pers_person_id": [r[0] for r in rows],
            "pers_sex": [r[1] for r in rows],
            "pers_dob": [r[2] for r in rows],
            "pers_upn_unknown": ["UN2"] * len(rows),
        }
    )


def _episodes(*rows: tuple[str, date, date | None, str | None, str]) -> pl.DataFrame:
    """(child, start, end, reason ended, legal status); each with a placement and legal status."""
    return pl.DataFrame(
        {
            "clae_cla_episode_id": [f"e{i}" for i in range(len(rows))],
            "clae_person_id": [r[0] for r in rows],
            "clae_cla_id": [f"c{r[0]}" for r in rows],
            "clae_cla_episode_start_date": [r[1] for r in rows],
            "clae_cla_episode_start_reason": ["S"] * len(rows),
            "clae_cla_episode_ceased_date": [r[2] for r in rows],
            "clae_cla_episode_ceased_reason": [r[3] for r in rows],
            "clae_cla_placement_id": [f"p{i}" for i in range(len(rows))],
        }
    ), pl.DataFrame(
        {
            "lega_legal_status_id": [f"l{i}" for i in range(len(rows))],
            "lega_person_id": [r[0] for r in rows],
            "lega_legal_status": [r[4] for r in rows],
            "lega_legal_status_start_date": [r[1] for r in rows],
        }
    )


def _dataset(
    people: pl.DataFrame, *episodes: tuple[str, date, date | None, str | None, str], **more: pl.DataFrame
):
    eps, legal = _episodes(*episodes)
    placements = pl.DataFrame(
        {
            "clap_cla_placement_id": eps["clae_cla_placement_id"],
            "clap_cla_placement_type": ["U1"] * eps.height,
            "clap_cla_placement_postcode": ["TW9 1AA"] * eps.height,
            "clap_cla_placement_urn": ["SC000001"] * eps.height,
        }
    )
    return Dataset(
        {
            "ssd_person": people,
            "ssd_cla_episodes": eps,
            "ssd_legal_status": legal,
            "ssd_cla_placement": placements,
            **more,
        }
    )


def _row(tables: dict[str, pl.DataFrame], name: str, child: str) -> dict:
    rows = tables[name].filter(pl.col("CHILD") == child).to_dicts()
    assert len(rows) == 1, (name, child, rows)
    return rows[0]


# --------------------------------------------------------------------------------------------
# UPN


def test_upn_is_the_one_known_at_31_march_else_the_unknown_code():
    people = _people(("A", "M", date(2012, 1, 1)), ("B", "M", date(2012, 1, 1)), ("C", "M", date(2012, 1, 1)))
    links = pl.DataFrame(
        {
            "link_table_id": ["1", "2", "3", "4"],
            "link_person_id": ["A", "A", "B", "C"],
            "link_identifier_type": [UPN, UPN, UPN, "NHS Number"],
            "link_identifier_value": ["A318000000001", "B318000000002", "C318000000003", "999"],
            "link_valid_from_date": [date(2016, 9, 1), date(2024, 9, 1), date(2025, 4, 1), None],
            "link_valid_to_date": [date(2024, 8, 31), None, None, None],
        }
    )
    data = _dataset(
        people,
        *[(c, date(2024, 5, 1), None, None, "C2") for c in "ABC"],
        ssd_linked_identifiers=links,
    )
    header = ssda903.tables_for_year(data, 2025)["header"]
    # A: the UPN that replaced the first; B: known only after the year, so unknown; C: no UPN.
    assert dict(zip(header["CHILD"], header["UPN"], strict=True)) == {
        "A": "B318000000002",
        "B": "UN2",
        "C": "UN2",
    }


# --------------------------------------------------------------------------------------------
# MOTHER and MC_DOB


def test_mother_is_asked_of_girls_in_care_and_dates_her_first_child_born_by_31_march():
    people = _people(
        ("M1", "F", date(2008, 1, 1)),  # two children, the first before the year
        ("M2", "F", date(2008, 1, 1)),  # her only child born after 31 March: not yet a mother
        ("N", "F", date(2008, 1, 1)),  # pers_is_mother N
        ("Y", "F", date(2008, 1, 1)),  # pers_is_mother Y, no child recorded
        ("U", "F", date(2008, 1, 1)),  # nothing known
        ("G", "F", date(2015, 1, 1)),  # under 12: not a mother
        ("B", "M", date(2008, 1, 1)),  # a boy: not asked
        ("V", "F", date(2008, 1, 1)),  # short breaks only (V3): not asked (399)
    ).with_columns(pl.Series("pers_is_mother", ["Y", "Y", "N", "Y", None, None, None, None]))
    mothers = pl.DataFrame(
        {
            "moth_table_id": ["1", "2", "3"],
            "moth_person_id": ["M1", "M1", "M2"],
            "moth_childs_person_id": ["k1", "k2", "k3"],
            "moth_childs_dob": [date(2024, 2, 1), date(2025, 1, 1), date(2025, 5, 1)],
        }
    )
    eps = [(c, date(2023, 5, 1), None, None, "C2") for c in ("M1", "M2", "N", "Y", "U", "G", "B")]
    data = _dataset(people, *eps, ("V", date(2024, 5, 1), date(2024, 5, 3), "X1", "V3"), ssd_mother=mothers)
    header = ssda903.tables_for_year(data, 2025)["header"]
    got = {r["CHILD"]: (r["MOTHER"], r["MC_DOB"]) for r in header.to_dicts()}
    assert got == {
        "M1": ("1", date(2024, 2, 1)),
        "M2": ("0", None),
        "N": ("0", None),
        "Y": ("1", None),
        "U": (None, None),
        "G": ("0", None),
        "B": (None, None),
        "V": (None, None),
    }


def test_a_child_born_after_the_mother_left_care_is_not_in_the_return():
    # Rule 625: the first child's birth may not be after the girl ceased to be looked after.
    people = _people(("M", "F", date(2007, 1, 1))).with_columns(pl.lit("Y").alias("pers_is_mother"))
    mothers = pl.DataFrame(
        {"moth_table_id": ["1"], "moth_person_id": ["M"], "moth_childs_dob": [date(2025, 2, 1)]}
    )
    data = _dataset(people, ("M", date(2023, 5, 1), date(2024, 12, 31), "E4A", "C2"), ssd_mother=mothers)
    row = _row(ssda903.tables_for_year(data, 2025), "header", "M")
    assert (row["MOTHER"], row["MC_DOB"]) == ("0", None)


# --------------------------------------------------------------------------------------------
# Postcodes


def test_postcodes_come_from_the_home_at_the_episode_start_and_the_placement():
    people = _people(("A", "M", date(2012, 1, 1)), ("U", "M", date(2008, 1, 1)), ("V", "M", date(2012, 1, 1)))
    homes = pl.DataFrame(
        {
            "addr_table_id": ["1", "2", "3", "4"],
            "addr_person_id": ["A", "A", "U", "V"],
            "addr_address_type": ["HOME", "HOME", "HOME", "HOME"],
            "addr_address_start_date": [
                date(2012, 1, 1),
                date(2024, 6, 1),
                date(2020, 1, 1),
                date(2012, 1, 1),
            ],
            "addr_address_postcode": ["TW1 1AA", "TW2 2BB", "TW3 3CC", "TW4 4DD"],
        }
    )
    uasc = pl.DataFrame(
        {
            "immi_immigration_status_id": ["i"],
            "immi_person_id": ["U"],
            "immi_immigration_status": ["UASC"],
            "immi_immigration_status_start_date": [date(2023, 1, 1)],
        }
    )
    data = _dataset(
        people,
        ("A", date(2024, 5, 1), None, None, "C2"),
        ("U", date(2024, 5, 1), None, None, "C2"),
        ("V", date(2024, 5, 1), date(2024, 5, 3), "X1", "V3"),
        ssd_address=homes,
        ssd_immigration_status=uasc,
    )
    eps = ssda903.tables_for_year(data, 2025)["episodes"]
    got = {r["CHILD"]: (r["HOME_POST"], r["PL_POST"], r["URN"]) for r in eps.to_dicts()}
    assert got == {
        "A": ("TW1 1AA", "TW9 1AA", "SC000001"),  # the home when the episode started, not the later one
        "U": (None, "TW9 1AA", "SC000001"),  # an asylum-seeking child: no home postcode (406)
        "V": (None, None, None),  # short breaks carry no postcodes or URN (214, 398)
    }


# --------------------------------------------------------------------------------------------
# OC2: children looked after for the whole year (from before 1 April 2024)


def _oc2(people: pl.DataFrame, **more: pl.DataFrame) -> pl.DataFrame:
    children = people["pers_person_id"].to_list()
    data = _dataset(people, *[(c, date(2023, 1, 1), None, None, "C2") for c in children], **more)
    return ssda903.tables_for_year(data, 2025)["oc2"]


def test_sdq_score_or_reason_is_the_latest_of_the_year_for_children_aged_4_to_17():
    people = _people(
        ("S", "M", date(2012, 1, 1)),  # two scores in the year: the later
        ("R", "M", date(2012, 1, 1)),  # a reason only
        ("B", "M", date(2012, 1, 1)),  # a score and, later, a reason: the score (197a)
        ("O", "M", date(2012, 1, 1)),  # a score last year only: nothing
        ("Y", "M", date(2021, 6, 1)),  # 4 only after 31 March: not asked (188)
        ("Z", "M", date(2007, 1, 1)),  # 17 before 1 April: not asked (189)
    )
    sdq = pl.DataFrame(
        {
            "csdq_table_id": [str(i) for i in range(8)],
            "csdq_person_id": ["S", "S", "R", "B", "B", "O", "Y", "Z"],
            "csdq_sdq_completed_date": [
                date(2024, 6, 1),
                date(2025, 1, 1),
                date(2024, 9, 1),
                date(2024, 6, 1),
                date(2025, 2, 1),
                date(2024, 3, 1),
                date(2024, 9, 1),
                date(2024, 9, 1),
            ],
            "csdq_sdq_reason": [None, None, "SDQ4", None, "SDQ2", None, None, None],
            "csdq_sdq_score": [10, 14, None, 7, None, 20, 5, 5],
        },
        schema_overrides={"csdq_sdq_score": pl.Int64},
    )
    oc2 = _oc2(people, ssd_sdq_scores=sdq)
    got = {r["CHILD"]: (r["SDQ_SCORE"], r["SDQ_REASON"]) for r in oc2.to_dicts()}
    assert got == {
        "S": ("14", None),
        "R": (None, "SDQ4"),
        "B": ("7", None),
        "O": (None, None),
        "Y": (None, None),
        "Z": (None, None),
    }


def test_convicted_is_1_for_an_offence_in_the_year_and_asked_only_from_age_10():
    people = _people(
        ("C", "M", date(2010, 1, 1)),
        ("L", "M", date(2010, 1, 1)),
        ("N", "M", date(2010, 1, 1)),
        ("Y", "M", date(2016, 1, 1)),
    )
    convictions = pl.DataFrame(
        {
            "clac_cla_conviction_id": ["1", "2", "3"],
            "clac_person_id": ["C", "L", "Y"],
            "clac_cla_conviction_date": [date(2024, 10, 1), date(2024, 3, 31), date(2024, 10, 1)],
        }
    )
    oc2 = _oc2(people, ssd_cla_convictions=convictions)
    assert dict(zip(oc2["CHILD"], oc2["CONVICTED"], strict=True)) == {"C": "1", "L": "0", "N": "0", "Y": None}


def test_substance_misuse_and_the_interventions_follow_the_dfe_dependencies():
    people = _people(*[(c, "M", date(2010, 1, 1)) for c in ("R", "O", "X", "N", "L")])
    misuse = pl.DataFrame(
        {
            "clas_substance_misuse_id": ["1", "2", "3", "4", "5"],
            "clas_person_id": ["R", "R", "O", "X", "L"],
            "clas_substance_misuse_date": [
                date(2024, 6, 1),
                date(2024, 9, 1),
                date(2024, 6, 1),
                date(2024, 6, 1),
                date(2024, 3, 1),
            ],
            "clas_intervention_received": ["N", "Y", "N", "N", "Y"],
            "clas_intervention_offered": ["Y", None, "Y", "N", None],
        }
    )
    oc2 = _oc2(people, ssd_cla_substance_misuse=misuse)
    got = {
        r["CHILD"]: (r["SUBSTANCE_MISUSE"], r["INTERVENTION_RECEIVED"], r["INTERVENTION_OFFERED"])
        for r in oc2.to_dicts()
    }
    assert got == {
        "R": ("1", "1", None),  # received: offered left blank (158)
        "O": ("1", "0", "1"),  # not received, offered (159)
        "X": ("1", "0", "0"),
        "N": ("0", None, None),  # no problem: no intervention items (193)
        "L": ("0", None, None),  # identified last year only
    }


def test_the_items_reach_the_xml_return(tmp_path):
    people = _people(("G", "F", date(2010, 1, 1))).with_columns(pl.lit("N").alias("pers_is_mother"))
    sdq = pl.DataFrame(
        {
            "csdq_table_id": ["1"],
            "csdq_person_id": ["G"],
            "csdq_sdq_completed_date": [date(2024, 9, 1)],
            "csdq_sdq_score": [12],
        },
        schema_overrides={"csdq_sdq_score": pl.Int64},
    )
    links = pl.DataFrame(
        {
            "link_table_id": ["1"],
            "link_person_id": ["G"],
            "link_identifier_type": [UPN],
            "link_identifier_value": ["A318000000001"],
        }
    )
    data = _dataset(
        people, ("G", date(2023, 1, 1), None, None, "C2"), ssd_sdq_scores=sdq, ssd_linked_identifiers=links
    )
    text = ssda903.write(data, tmp_path / "return.xml", year=2025)[0].read_text()
    for element in (
        "<UPN>A318000000001</UPN>",
        "<MOTHER>0</MOTHER>",
        "<SDQ_SCORE>12</SDQ_SCORE>",
        "<CONVICTED>0</CONVICTED>",
        "<SUBSTANCE_MISUSE>0</SUBSTANCE_MISUSE>",
        "<PL_POST>TW9 1AA</PL_POST>",
    ):
        assert element in text, element


# --------------------------------------------------------------------------------------------
# Round trip of the items above


def test_the_items_come_back_when_the_return_is_read(tmp_path):
    people = _people(
        ("G", "F", date(2008, 1, 1)),
        ("B", "M", date(2010, 1, 1)),
        ("R", "M", date(2007, 6, 1)),
        ("N", "M", date(2012, 1, 1)),
    ).with_columns(pl.Series("pers_is_mother", ["Y", None, None, None]))
    data = _dataset(
        people,
        *[(c, date(2023, 1, 1), None, None, "C2") for c in "GBR"],
        # The reader dates the return by its latest episode date: one starts in the year.
        ("N", date(2024, 6, 1), None, None, "C2"),
        ssd_linked_identifiers=pl.DataFrame(
            {
                "link_table_id": ["1"],
                "link_person_id": ["B"],
                "link_identifier_type": [UPN],
                "link_identifier_value": ["A318000000001"],
            }
        ),
        ssd_mother=pl.DataFrame(
            {"moth_table_id": ["1"], "moth_person_id": ["G"], "moth_childs_dob": [date(2024, 7, 1)]}
        ),
        ssd_address=pl.DataFrame(
            {
                "addr_table_id": ["1"],
                "addr_person_id": ["B"],
                "addr_address_type": ["HOME"],
                "addr_address_start_date": [date(2015, 1, 1)],
                "addr_address_postcode": ["TW1 1AA"],
            }
        ),
        ssd_sdq_scores=pl.DataFrame(
            {
                "csdq_table_id": ["1", "2"],
                "csdq_person_id": ["G", "B"],
                "csdq_sdq_completed_date": [date(2024, 9, 1)] * 2,
                "csdq_sdq_reason": [None, "SDQ4"],
                "csdq_sdq_score": [17, None],
            },
            schema_overrides={"csdq_sdq_score": pl.Int64},
        ),
        ssd_cla_convictions=pl.DataFrame(
            {
                "clac_cla_conviction_id": ["1"],
                "clac_person_id": ["R"],
                "clac_cla_conviction_date": [date(2024, 8, 1)],
            }
        ),
        ssd_cla_substance_misuse=pl.DataFrame(
            {
                "clas_substance_misuse_id": ["1", "2"],
                "clas_person_id": ["R", "B"],
                "clas_substance_misuse_date": [date(2024, 8, 1)] * 2,
                "clas_intervention_received": ["N", "Y"],
                "clas_intervention_offered": ["Y", None],
            }
        ),
    )
    before = ssda903.tables_for_year(data, 2025)
    assert before["header"].filter(pl.col("MC_DOB").is_not_null()).height == 1
    assert before["oc2"].filter(pl.col("INTERVENTION_OFFERED").is_not_null()).height == 1
    for out in (tmp_path / "csv", tmp_path / "return.xml"):
        back = ssda903.read(ssda903.write(data, out, year=2025))
        assert back.errors == []
        assert differences(before, ssda903.tables_for_year(back.dataset(), 2025)) == [], out.name
