"""The data-model document (docs/data-model.md), generated from the canonical schema."""

from __future__ import annotations

import polars as pl

from careboard.engine.schema import TABLES, Table

TYPE_NAMES = {
    pl.String: "text",
    pl.Date: "date",
    pl.Datetime: "date-time",
    pl.Int64: "whole number",
    pl.Float64: "number",
}

INTRO = """# The canonical data model

Generated from `careboard/engine/schema.py` by `careboard schema --markdown docs/data-model.md`;
a test fails when this file is stale.

careboard keeps one canonical model: the Standard Safeguarding Dataset's own table and field names
wherever the SSD has the item, so a council with the SSD deployed loads its tables directly. What the
SSD lacks is an **extension**: tables named `cb_*`, and fields marked *extension* below. On disk a
dataset is a folder with one file per table named after it (`ssd_person.parquet` or `ssd_person.csv`).

Values: identifiers are text; dates are dates; a contact's date and decision are date-times; flags
are `Y`/`N`; coded values use the statutory codes (SSDA903 for care, CIN census for need and
referrals, the workforce census for staff) in the current collection year's spelling.

The council is named in `cb_population`: `popu_la_name`, its ONS code `popu_la_code` (e.g.
`E09000027`) and its DfE three-digit LA number `popu_la_number` (e.g. `318`), which the DfE returns
carry. A child's Unique Pupil Number is a row of `ssd_linked_identifiers` with
`link_identifier_type` "Unique Pupil Number"; `pers_upn_unknown` holds the code that applies when
the child has no UPN valid on a day.

The synthetic council (`careboard generate`) is called "Synthetic Borough Council" but borrows the
geography of the London Borough of Richmond upon Thames (ONS `E09000027`, DfE LA number 318), so
that its home and placement postcodes are real postcodes that the DfE validators can place inside
or outside the council. They come from a small sample of the ONS Postcode Directory bundled in
`careboard/engine/generate/data/postcodes.csv` (postcode centroids only, nobody's address).
Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail
copyright and database right; Source: Office for National Statistics, ONS Postcode Directory,
licensed under the Open Government Licence v3.0.
"""


def _table_md(t: Table) -> list[str]:
    kind = "extension table (not in the SSD)" if t.extension else "SSD table"
    lines = [f"## `{t.name}`", "", f"{t.description}. {kind}; key `{t.key or '(none)'}`.", ""]
    lines += ["| field | type | description | |", "|---|---|---|---|"]
    for f in t.fields:
        marker = "extension" if f.extension else ""
        lines.append(f"| `{f.name}` | {TYPE_NAMES[f.dtype.base_type()]} | {f.description} | {marker} |")
    return [*lines, ""]


def data_model_markdown() -> str:
    ssd = [t for t in TABLES.values() if not t.extension]
    ext = [t for t in TABLES.values() if t.extension]
    n_ext_fields = sum(f.extension for t in ssd for f in t.fields)
    lines = [
        INTRO,
        f"{len(ssd)} SSD tables ({n_ext_fields} extension fields among them) "
        f"and {len(ext)} extension tables.",
        "",
    ]
    for t in [*ssd, *ext]:
        lines += _table_md(t)
    return "\n".join(lines)
