"""Readers and writers for the statutory formats, each to and from the canonical model."""
