"""The indicator catalogue: every measure the improvement board reads, defined once.

See :mod:`careboard.engine.indicators.core` for the contract and
:func:`careboard.engine.indicators.catalogue.catalogue` for the registered indicators.
"""

from careboard.engine.indicators.catalogue import catalogue
from careboard.engine.indicators.comparators import load_comparators
from careboard.engine.indicators.core import (
    INDICATORS,
    ROW_SCHEMA,
    Indicator,
    Period,
    PeriodKind,
    Settings,
    allocation_at,
    children,
    compute,
    empty_rows,
    finish_rows,
    indicator,
    indicator_periods,
    make_rows,
    population_at,
    rows_for_periods,
    series,
)
from careboard.engine.indicators.scorecard import scorecard
from careboard.engine.indicators.targets import Target, direction, load_targets, rag, targets_in_force

__all__ = [
    "INDICATORS",
    "ROW_SCHEMA",
    "Indicator",
    "Period",
    "PeriodKind",
    "Settings",
    "Target",
    "allocation_at",
    "catalogue",
    "children",
    "compute",
    "direction",
    "empty_rows",
    "finish_rows",
    "indicator",
    "indicator_periods",
    "load_comparators",
    "load_targets",
    "make_rows",
    "population_at",
    "rag",
    "rows_for_periods",
    "scorecard",
    "series",
    "targets_in_force",
]
