from datetime import datetime

import polars as pl

from careboard.engine.reports.monthly import Figures, assemble
from careboard.engine.reports.suppression import SUPPRESSED

from .conftest import AS_AT, INDICATORS, card_frame, card_rows, monthly_frame


def rows_by_id(report):
    return {r.indicator_id: r for r in report.rows}


def test_the_board_sees_every_figure_as_the_scorecard_gives_it(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    rows = rows_by_id(report)
    assert set(rows) == set(INDICATORS)
    assert rows["OV01"].value == "72.5%" and rows["OV01"].rag == "Amber"
    assert (rows["OV01"].numerator, rows["OV01"].denominator) == ("290", "400")
    assert rows["CLA02"].value == "60.0%" and rows["CLA02"].numerator == "3"
    assert rows["FD01"].rag == "Red" and rows["FD01"].direction == "Worsening"
    assert rows["DM01"].rag == "No target"
    assert report.marking == "OFFICIAL-SENSITIVE"
    assert report.suppression_key is None


def test_rows_are_grouped_by_area_in_the_catalogue_order(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    assert [s.area for s in report.sections] == [
        "Front door",
        "Children in care",
        "Management oversight",
        "Demand",
    ]


def test_the_public_never_sees_a_percentage_of_a_handful_of_children(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("public"))
    row = rows_by_id(report)["CLA02"]  # 3 of 5 children
    assert (row.value, row.numerator, row.denominator, row.rag) == (SUPPRESSED,) * 3 + ("Withheld",)
    assert row.direction == ""
    assert report.suppression_key and "[c]" in report.suppression_key
    assert report.marking is None
    comparison = next(c for c in report.comparisons if c.indicator_id == "CLA02")
    assert comparison.value == SUPPRESSED and comparison.england == "77.0%"


def test_withheld_figures_stay_out_of_the_headlines(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("members"))
    text = " ".join(report.headlines)
    assert "Initial health assessments" not in text
    assert "1 figure is withheld" in text


def test_the_months_resting_on_small_numbers_are_left_out_of_the_public_chart(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("public"))
    chart = next(c for s in report.sections for c in s.charts if c.indicator_id == "CLA02")
    assert chart.points[-1].value is None
    assert chart.points[-2].value == 25.0
    assert chart.withheld_months == 1


def test_last_months_figure_is_withheld_when_it_rested_on_small_numbers(request_for):
    last_month = (pl.col("indicator_id") == "OV01") & (pl.col("period_end") == AS_AT.replace(day=30, month=9))
    monthly = monthly_frame().with_columns(
        numerator=pl.when(last_month)
        .then(2.0)
        .otherwise(pl.col("numerator"))
    )  # fmt: skip
    report = assemble(INDICATORS, Figures(card=card_frame(), monthly=monthly), request_for("public"))
    row = rows_by_id(report)["OV01"]
    assert row.value == "72.5%"
    assert row.previous == SUPPRESSED and row.direction == ""


def test_headlines_count_the_rag_and_name_what_moved_with_the_numbers(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    first, improved, worsened, red = report.headlines[:4]
    assert first == "Of 4 indicators measured against targets for October 2026: 1 red, 3 amber and 0 green."
    assert improved.startswith("Improved since last month (3): Initial health assessments")
    assert "(25.0% to 60.0%)" in improved
    assert worsened == "Worsened since last month (1): Contacts decided within 24 hours (65.0% to 55.0%)."
    assert red == "Red (1): Contacts decided within 24 hours (55.0% against a minimum standard of 70.0%)."


def test_commentary_appears_in_its_indicators_area(figures, request_for):
    req = request_for(
        "board", commentary={"OV01": "  Oversight is rising.  ", "FD01": " ", "_summary": "Steady."}
    )
    report = assemble(INDICATORS, figures, req)
    by_area = {s.area: s.commentary for s in report.sections}
    assert by_area["Management oversight"] == (
        ("Open cases with management oversight in 8 weeks", "Oversight is rising."),
    )
    assert by_area["Front door"] == ()
    assert report.general_commentary == "Steady."


def test_the_data_note_gives_the_dates_and_the_known_issues(figures, request_for):
    req = request_for("board", loaded_at=datetime(2026, 11, 2, 9, 30), data_issues=["CLA team loaded late"])
    note = assemble(INDICATORS, figures, req).data_note
    assert note[0] == "Figures are as at 31 October 2026, for the month ending 31 October 2026."
    assert note[1] == "The data were loaded on 02 November 2026 09:30."
    assert note[-1] == "- CLA team loaded late"


def test_every_indicator_has_its_definition_in_the_appendix(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    definitions = {d.indicator_id: d for d in report.definitions}
    assert set(definitions) == set(INDICATORS)
    assert definitions["OV01"].targets == "Higher is better; minimum standard 60.0%, aspiration 95.0%."
    assert definitions["DM01"].targets == "Context measure: no target."


def test_the_comparison_lists_indicators_with_a_national_or_neighbour_figure(figures, request_for):
    report = assemble(INDICATORS, figures, request_for("board"))
    comparisons = {c.indicator_id: c for c in report.comparisons}
    assert set(comparisons) == {"CLA02", "DM01"}
    assert (comparisons["DM01"].value, comparisons["DM01"].england, comparisons["DM01"].neighbours) == (
        "70.3",
        "70.0",
        "80.0",
    )


def test_chart_targets_follow_the_targets_in_force_each_month(figures, request_for):
    from careboard.engine.indicators.targets import Target

    req = request_for("board", targets=[Target("OV01", AS_AT.replace(day=1, month=7), 75.0, 95.0)])
    chart = next(
        c for s in assemble(INDICATORS, figures, req).sections for c in s.charts if c.indicator_id == "OV01"
    )
    assert chart.lower[0] == 60.0 and chart.lower[-1] == 75.0
    assert len(chart.points) == 13 and chart.points[-1].month == AS_AT


def team_figures(counts):
    """OV01 by team: team -> (numerator, denominator)."""
    base = [r for r in card_rows() if r[0] == "OV01"]
    frames = []
    for team, (num, den) in counts.items():
        row = (base[0][0], 100 * num / den, num, den, *base[0][4:])
        frames.append(card_frame([row], group=team))
    return Figures(
        card=card_frame(), monthly=monthly_frame(), teams=pl.concat(frames), team_names={"T1": "North"}
    )


def test_one_small_team_and_the_next_smallest_are_withheld_from_members(request_for):
    figures = team_figures({"T1": (100, 180), "T2": (4, 30), "T3": (20, 40), "T4": (166, 150 + 40)})
    report = assemble(INDICATORS, figures, request_for("members"))
    rows = {r[0]: r for r in next(b for b in report.team_breakdowns if b.indicator_id == "OV01").rows}
    assert rows["T2"][1:] == (SUPPRESSED, SUPPRESSED, SUPPRESSED, "Withheld")
    assert rows["T3"][1:] == (SUPPRESSED, SUPPRESSED, SUPPRESSED, "Withheld")  # next smallest denominator
    assert rows["North"][1] == "55.6%" and rows["T4"][1] != SUPPRESSED


def test_the_board_sees_every_team(request_for):
    figures = team_figures({"T1": (100, 180), "T2": (4, 30), "T3": (20, 40)})
    report = assemble(INDICATORS, figures, request_for("board"))
    rows = {r[0]: r for r in next(b for b in report.team_breakdowns if b.indicator_id == "OV01").rows}
    assert rows["T2"][2:4] == ("4", "30")


def test_a_report_for_one_team_has_no_team_breakdown(request_for):
    figures = team_figures({"T1": (100, 180), "T2": (4, 30)})
    report = assemble(INDICATORS, figures, request_for("board", team="T1"))
    assert report.team_breakdowns == ()
    assert report.team == "North"
    assert report.subtitle == "Anyshire - North: October 2026"


def test_the_data_note_says_when_a_month_is_not_yet_over(figures, request_for):
    from careboard.engine.reports.monthly import Request

    req = Request(as_at=AS_AT.replace(day=15), council="Anyshire")
    note = assemble(INDICATORS, figures, req).data_note
    assert note[0] == "Figures are as at 15 October 2026, for the month to date (1 to 15 October 2026)."


def test_a_council_with_no_records_yet_gets_a_report_of_dashes():
    from careboard.engine.reports import monthly_report
    from careboard.engine.store import Dataset

    result = monthly_report(Dataset(), AS_AT, "html", audience="public", months=2)
    html = result.content.decode()
    assert "The council: October 2026" in html
    assert "Of 1 indicator measured against targets" in html  # a count of 0 meets its target
    assert ">No data</td>" in html and "Contacts with a decision within 24 hours" in html


def test_a_teams_own_report_withholds_what_the_councils_breakdown_withholds_as_a_complement():
    from careboard.engine.reports.monthly import team_withheld

    teams = {"T1": (100.0, 180.0), "T2": (4.0, 30.0), "T3": (20.0, 40.0), "T4": (166.0, 190.0)}
    by_team = pl.DataFrame(
        [{"indicator_id": "OV01", "period_end": AS_AT, "group": t, "numerator": n, "denominator": d}
         for t, (n, d) in teams.items()]
    )  # fmt: skip
    council = pl.DataFrame(
        [{"indicator_id": "OV01", "period_end": AS_AT, "numerator": 290.0, "denominator": 440.0}]
    )
    assert team_withheld(INDICATORS, council, by_team, "T3") == {("OV01", AS_AT)}  # the complement
    assert team_withheld(INDICATORS, council, by_team, "T2") == {("OV01", AS_AT)}  # small itself
    assert team_withheld(INDICATORS, council, by_team, "T1") == frozenset()


def test_a_figure_withheld_as_a_complement_is_withheld_with_its_trend_point(request_for):
    figures = Figures(card=card_frame(), monthly=monthly_frame(), also_withheld=frozenset({("OV01", AS_AT)}))
    report = assemble(INDICATORS, figures, request_for("public"))
    assert rows_by_id(report)["OV01"].value == SUPPRESSED
    chart = next(c for s in report.sections for c in s.charts if c.indicator_id == "OV01")
    assert chart.points[-1].value is None and chart.points[-2].value is not None
