import pytest

from careboard.engine.reports import formatting as fmt


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (64.25, "percent", "64.2%"),
        (512.34, "rate_per_10k", "512.3"),
        (1204.0, "count", "1,204"),
        (45.24, "days", "45.2 days"),
        (17.06, "per_fte", "17.1"),
        (13.54, "score", "13.5"),
        (None, "percent", "-"),
    ],
)
def test_a_value_reads_in_its_unit(value, unit, text):
    assert fmt.value(value, unit) == text


def test_counts_are_whole_unless_they_are_fte():
    assert fmt.count(1204.0) == "1,204"
    assert fmt.count(201.4) == "201.4"
    assert fmt.count(None) == "-"


def test_targets_read_in_the_direction_of_the_polarity():
    assert fmt.targets_sentence(23, 17, "percent", "lower_is_better") == (
        "Lower is better; minimum standard 23.0%, aspiration 17.0%."
    )
    assert fmt.targets_sentence(12, 16, "count", "target_range") == "Acceptable range 12 to 16."
    assert fmt.targets_sentence(None, None, "count", "higher_is_better") == "No target set."


def test_the_numerator_of_an_average_in_days_says_days():
    assert fmt.numerator(11249.0, "days") == "11,249 days"
    assert fmt.numerator(774.0, "percent") == "774"
