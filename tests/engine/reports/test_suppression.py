import pytest

from careboard.engine.reports.suppression import Cell, is_small, primary, secondary


@pytest.mark.parametrize(("count", "small"), [(0, False), (1, True), (5, True), (6, False), (None, False)])
def test_counts_from_one_to_five_are_small(count, small):
    assert is_small(count) is small


def test_a_count_of_one_to_five_is_withheld_and_zero_is_shown():
    assert primary("count", 3, None)
    assert not primary("count", 0, None)
    assert not primary("count", 6, None)


def test_a_percentage_on_a_small_numerator_is_withheld():
    assert primary("percent", 4, 200)


def test_a_percentage_where_all_but_a_few_meet_it_is_withheld():
    # 197 of 200: the 3 who were not seen are as identifiable as 3 who were
    assert primary("percent", 197, 200)
    assert primary("percent", 195, 200)
    assert not primary("percent", 194, 200)


def test_a_percentage_of_none_or_all_of_a_large_group_is_shown():
    assert not primary("percent", 0, 40)
    assert not primary("percent", 40, 40)


def test_a_percentage_of_a_tiny_group_is_withheld_whatever_the_split():
    assert primary("percent", 0, 4)
    assert primary("percent", 4, 4)


def test_a_rate_on_a_small_count_is_withheld():
    assert primary("rate_per_10k", 2, None)
    assert not primary("rate_per_10k", 20, None)


def test_an_average_over_a_few_children_is_withheld():
    assert primary("days", 300, 3)
    assert not primary("days", 300, 30)
    assert primary("score", 40, 3)  # a mean score of three children describes each of them
    assert not primary("score", 400, 30)


def test_secondary_suppression_withholds_the_next_smallest_cell_when_one_is_withheld():
    cells = [Cell("A", 40, False), Cell("B", 3, True), Cell("C", 12, False), Cell("D", 25, False)]
    assert secondary(cells) == {"B", "C"}


def test_secondary_suppression_prefers_a_cell_with_something_in_it_over_a_zero():
    cells = [Cell("A", 40, False), Cell("B", 3, True), Cell("Z", 0, False), Cell("C", 12, False)]
    assert secondary(cells) == {"B", "C"}


def test_a_zero_is_withheld_only_when_nothing_else_is_left():
    cells = [Cell("B", 3, True), Cell("Z", 0, False)]
    assert secondary(cells) == {"B", "Z"}


def test_two_withheld_cells_protect_each_other():
    cells = [Cell("A", 40, False), Cell("B", 3, True), Cell("C", 2, True), Cell("D", 25, False)]
    assert secondary(cells) == {"B", "C"}


def test_nothing_more_is_withheld_when_the_total_is_not_shown():
    cells = [Cell("A", 40, False), Cell("B", 3, True), Cell("C", 12, False)]
    assert secondary(cells, total_shown=False) == {"B"}


def test_nothing_is_withheld_when_no_cell_is_small():
    assert secondary([Cell("A", 40, False), Cell("B", 30, False)]) == set()


def test_the_withheld_cell_cannot_be_worked_out_from_the_total():
    counts = {"A": 40, "B": 3, "C": 12, "D": 25}
    total = sum(counts.values())
    cells = [Cell(k, v, 1 <= v <= 5) for k, v in counts.items()]
    hidden = secondary(cells)
    shown = sum(v for k, v in counts.items() if k not in hidden)
    # what a reader can deduce is only the sum of the hidden cells, which is not a small count
    assert len(hidden) >= 2
    assert not 1 <= total - shown <= 5
