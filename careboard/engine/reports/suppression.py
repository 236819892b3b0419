"""Small-number suppression for reports that leave the board room, the way the DfE does it.

Primary suppression: a count of 1 to 5 is withheld, and so is any rate or percentage built on one
(for a percentage, also when the children *not* in the numerator number 1 to 5: "all but 3 children
were seen" identifies the 3 as surely as "3 were seen"). Zero is shown: it identifies nobody.

Secondary suppression: where the cells of a breakdown add up to a total that is shown, one
withheld cell could be worked out by subtraction, so the next smallest cell is withheld too.

Withheld figures print as ``[c]`` with a key, as in DfE statistical releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from careboard.engine.indicators.core import Unit

SUPPRESSED = "[c]"
SMALLEST_SHOWN = 6  # counts from 1 to SMALLEST_SHOWN - 1 are withheld
SUPPRESSION_KEY = (
    "[c] = withheld to protect confidentiality: a count of 1 to 5, a rate or percentage based on "
    "such a count, or a figure from which one could be worked out."
)


def is_small(count: float | None) -> bool:
    """A count that could identify a child: more than 0 and fewer than 6."""
    return count is not None and 0 < count < SMALLEST_SHOWN


def primary(unit: Unit, numerator: float | None, denominator: float | None) -> bool:
    """Whether a value of ``unit`` built on these counts must be withheld on its own account."""
    if unit == "percent":
        rest = None if numerator is None or denominator is None else denominator - numerator
        return is_small(numerator) or is_small(rest)
    if unit in ("days", "score"):
        # an average over a handful of children describes each of them
        return is_small(denominator)
    if unit == "per_fte":
        return is_small(numerator) or is_small(denominator)
    return is_small(numerator)  # count, fte, rate_per_10k


@dataclass(frozen=True)
class Cell:
    """One cell of a breakdown whose cells add up to a shown total.

    ``size`` is the count that ranks cells for secondary suppression (the denominator for a
    percentage, the count itself for a count); ``withheld`` is the cell's primary suppression.
    """

    key: str
    size: float | None
    withheld: bool


def secondary(cells: Sequence[Cell], total_shown: bool = True) -> set[str]:
    """Keys of every cell to withhold: the primary ones, plus the next smallest where needed.

    When exactly one cell is withheld and the total is shown, the withheld cell equals the total
    minus the rest, so the smallest other cell with something in it is withheld as well. A cell
    of 0 is a poor complement (withholding it hides nothing) and is chosen only when nothing else
    is left.
    """
    withheld = {c.key for c in cells if c.withheld}
    if not total_shown or len(withheld) != 1:
        return withheld
    others = [c for c in cells if c.key not in withheld]
    if not others:
        return withheld
    nonzero = [c for c in others if (c.size or 0) > 0]
    pool = nonzero or others
    complement = min(pool, key=lambda c: (c.size if c.size is not None else float("inf"), c.key))
    return withheld | {complement.key}
