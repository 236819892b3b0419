"""careboard: children's social care improvement from the data a council already holds."""

__version__ = "0.1.0"
