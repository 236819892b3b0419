"""A seeded synthetic council: children's journeys through social care, and the workforce.

The public entry point is :func:`careboard.engine.generate.council.generate_council`.
"""

from careboard.engine.generate.council import Journey, generate_council

__all__ = ["Journey", "generate_council"]
