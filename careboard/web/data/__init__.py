"""Loads of canonical data, month close, targets and commentary."""
