"""Indicator families, one module per area; each module registers its indicators on import."""
