"""The catalogue: imports every family module (which registers its indicators) and lists them."""

from __future__ import annotations

from careboard.engine.indicators.core import AREAS, INDICATORS, Indicator, lookup

# Importing a family module registers its indicators. To add a family: import it here and list it
# in FAMILIES (the tuple is what keeps the imports used).
from careboard.engine.indicators.families import (
    assessment,
    care_leavers,
    cin,
    cla,
    cp,
    demand,
    front_door,
    oversight,
    permanence,
    workforce,
)

FAMILIES = (assessment, cin, cla, cp, demand, front_door, permanence, care_leavers, oversight, workforce)


def catalogue() -> dict[str, Indicator]:
    """Every registered indicator by id, in area order then id."""
    order = {area: i for i, area in enumerate(AREAS)}
    return dict(sorted(INDICATORS.items(), key=lambda item: (order[item[1].area], item[0])))


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id``; KeyError naming it when unknown."""
    return lookup(catalogue(), indicator_id)
