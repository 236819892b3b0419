"""Build careboard's bundled Annex A reference tables from the shared reference files.

Reads ../shared/reference/annex_a/ (the liiatools Annex A schema with the value spellings seen in
councils' files, and the column list) and writes two small CSVs inside the package, so the reader
never reads ../shared at run time:

- careboard/engine/formats/data/annex_a_values.csv: column, spelling, category (normalised text)
- careboard/engine/formats/data/annex_a_headers.csv: list, column, header_regex

Run with any Python that has PyYAML (a development-time tool, not a careboard dependency):
    python3 scripts/annex_a_reference.py [PATH_TO_SHARED_REFERENCE_ANNEX_A]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "careboard" / "engine" / "formats" / "data"


def norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().lower()


def main(ref: Path) -> None:
    schema = yaml.safe_load((ref / "annex_a_schema_liiatools_with_value_synonyms.yml").read_text())
    # A column with the same heading means the same thing in every list, so spellings are kept
    # per heading rather than per list.
    clashes: dict[tuple[str, str], set[str]] = {}
    for columns in schema["column_map"].values():
        for column, spec in columns.items():
            for cat in (spec or {}).get("category") or []:
                code = str(cat["code"]).strip()
                for name in [code, *(cat.get("name") or [])]:
                    clashes.setdefault((norm(column), norm(name)), set()).add(code)
    with (OUT / "annex_a_values.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["column", "spelling", "category"])
        for (column, spelling), codes in sorted(clashes.items()):
            if len(codes) == 1:  # a spelling that means two things in the source is left out
                w.writerow([column, spelling, next(iter(codes))])
    with (
        (ref / "annex_a_columns.csv").open(encoding="utf-8") as src,
        (OUT / "annex_a_headers.csv").open("w", newline="", encoding="utf-8") as fh,
    ):
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["list", "column", "header_regex"])
        for r in csv.DictReader(src):
            w.writerow([r["list"], r["column"].strip(), r["header_regex"]])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference" / "annex_a")
