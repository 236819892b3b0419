"""Reading uploaded or named files with the engine's readers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from careboard.engine.formats.common import ReadResult
from careboard.engine.formats.registry import read_any


def read_files(paths: Sequence[Path], year: int | None = None) -> ReadResult:
    """Read the files; ``year`` is the collection year of any SSDA903 files (else inferred)."""
    return read_any(list(paths), year=year)
