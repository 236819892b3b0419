"""Run the DfE SSDA903 validator (csc-validator-be-903) on CSV or XML files; print JSON.

Runs inside the validators' own venv (scripts/validators.sh), never careboard's: it imports
pandas 1.x. Usage: python dfe_903.py RULESET COLLECTION_YEAR --this FILE... [--last FILE...] [--la ONS_CODE]
Prints {"errors": {rule code: count}, "failed_to_run": [...], "skipped": [...], "rows": {...}}.
"""

import argparse
import contextlib
import importlib
import io
import json
import logging
import sys

logging.disable(logging.CRITICAL)
MARK = "@@careboard-json@@"  # the JSON follows this line (the validator prints on import)

from lac_validator import lac_validator  # noqa: E402
from lac_validator.ingress import read_files  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("ruleset")
    parser.add_argument("collection_year")
    parser.add_argument("--this", nargs="+", required=True)
    parser.add_argument("--last", nargs="*", default=[])
    parser.add_argument("--la", default="E09000027", help="the council's ONS code")
    parser.add_argument("--select", nargs="*", default=None, help="only these rule codes")
    args = parser.parse_args()

    files = read_files(args.this)
    for f in read_files(args.last):
        f.description = "Prev year"
        files.append(f)
    registry = importlib.import_module(f"lac_validator.rules.{args.ruleset}").registry
    with contextlib.redirect_stdout(io.StringIO()):
        v = lac_validator.LacValidator(
            metadata={"collectionYear": args.collection_year, "localAuthority": args.la},
            files=files,
            registry=registry,
            selected_rules=args.select,
        )
    errors = {}
    examples = {}
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in df.columns:
            if str(col).startswith("ERR_"):
                hits = df[df[col].fillna(False).astype(bool)]
                if len(hits):
                    code = col[4:]
                    errors[code] = errors.get(code, 0) + len(hits)
                    row = hits.iloc[0]
                    examples.setdefault(
                        code,
                        {
                            "table": table,
                            "row": int(hits.index[0]),
                            "values": {
                                k: str(row[k]) for k in df.columns if not str(k).startswith(("ERR_", "_"))
                            },
                        },
                    )
    out = {
        "errors": errors,
        "examples": examples,
        "messages": {c: registry[c].message for c in errors if c in registry},
        "failed_to_run": v.fails,
        "skipped": v.skips,
        "rows": {t: len(df) for t, df in v.dfs.items()},
    }
    print(MARK)
    json.dump(out, sys.stdout, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
