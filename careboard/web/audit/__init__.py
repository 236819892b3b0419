"""The append-only audit trail of every view, search and export of child-level data."""
