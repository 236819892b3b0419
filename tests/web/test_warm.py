from careboard.web import warm
from careboard.web.scorecard import build
from careboard.web.worklists import items


def test_warming_reads_the_load_and_prepares_worklists_and_the_scorecard(loaded):
    done = warm.warm()
    assert done[0] == f"load {loaded.pk} read"
    assert items._cache and build._rendered
    assert any(step.startswith("scorecard for") for step in done)


def test_warming_renders_each_teams_scorecard_and_reads_each_indicators_values(loaded):
    from datetime import date

    from careboard.web.data import closing, values

    closing.close_month(date(2026, 2, 28), "pat")
    values.forget_live()
    warm.warm()
    teams = {key[2] for key in build._rendered}
    assert {"T1", "T2", "T3"} <= teams
    indicators = {key[3] for key in values._closed}
    assert set(values.indicators()) <= indicators


def test_warming_without_data_says_so(db):
    assert warm.warm() == ["no data loaded yet"]
