"""The catalogue: imports every family module (which registers its indicators) and lists them."""

from __future__ import annotations

# Each import registers that family's indicators: one line per family module.
import careboard.engine.indicators.families.assessment
import careboard.engine.indicators.families.cin
import careboard.engine.indicators.families.cla
import careboard.engine.indicators.families.cp
import careboard.engine.indicators.families.demand
import careboard.engine.indicators.families.front_door
from careboard.engine.indicators.core import AREAS, INDICATORS, Indicator, lookup


def catalogue() -> dict[str, Indicator]:
    """Every registered indicator by id, in area order then id."""
    order = {area: i for i, area in enumerate(AREAS)}
    return dict(sorted(INDICATORS.items(), key=lambda item: (order[item[1].area], item[0])))


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id``; KeyError naming it when unknown."""
    return lookup(catalogue(), indicator_id)
