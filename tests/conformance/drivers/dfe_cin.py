"""Run the DfE CIN census validator (csc-validator-be-cin) on one XML file; print JSON.

Runs inside the validators' own venv (scripts/validators.sh), never careboard's: it imports
pandas 1.x. Usage: python dfe_cin.py RULESET FILE
Prints {"errors": {code: n}, "queries": {code: n}, "la_level": [...], "failed_to_run": [...]}.
"""

import contextlib
import importlib
import io
import json
import sys
import xml.etree.ElementTree as ET

from cin_validator import cin_validator


def main() -> int:
    ruleset, path = sys.argv[1], sys.argv[2]
    root = ET.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        v = cin_validator.CinValidator(data, registry)
    kinds = {str(r.code): r.rule_type.name for r in registry.values()}
    errors: dict = {}
    queries: dict = {}
    examples: dict = {}
    df = v.full_issue_df
    if len(df):
        for code, group in df.groupby("rule_code"):
            target = errors if kinds.get(str(code)) == "ERROR" else queries
            target[str(code)] = int(group[["child_id", "row_id"]].drop_duplicates().shape[0])
            first = group.iloc[0]
            examples[str(code)] = {k: str(first[k]) for k in group.columns}
    la_level = sorted({str(c) for c in v.multichild_issues["rule_code"]}) if len(v.multichild_issues) else []
    for code in la_level:
        target = errors if kinds.get(code) == "ERROR" else queries
        target.setdefault(code, 1)
    out = {
        "errors": errors,
        "queries": queries,
        "la_level": la_level,
        "examples": examples,
        "messages": {c: registry[c].message for c in [*errors, *queries] if c in registry},
        "failed_to_run": [
            line for line in printed.getvalue().splitlines() if line.startswith("Error with rule")
        ],
        "rows": {str(k): len(t) for k, t in data.items()},
    }
    print("@@careboard-json@@")
    json.dump(out, sys.stdout, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
