from careboard.web import warm
from careboard.web.scorecard import build
from careboard.web.worklists import items


def test_warming_reads_the_load_and_prepares_worklists_and_the_scorecard(loaded):
    done = warm.warm()
    assert done[0] == f"load {loaded.pk} read"
    assert items._cache and build._rendered
    assert any(step.startswith("scorecard for") for step in done)


def test_warming_without_data_says_so(db):
    assert warm.warm() == ["no data loaded yet"]
