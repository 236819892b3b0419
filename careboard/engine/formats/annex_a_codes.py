"""Annex A value lists and how they map to the statutory codes of the canonical model.

Ofsted's Annex A lists carry broad categories ("a) Foster placement") where the canonical model
holds statutory codes (903 placement type U1..U6). Reading: a code written inside the value
("f) U6: Foster placement - not FFA", "N1 - Abuse or neglect") is taken as it is; otherwise the
spelling is matched to its category using the spellings seen in councils' files (bundled in
``data/annex_a_values.csv``, built by ``scripts/annex_a_reference.py``) and the category gives a
representative code (the first listed below). Writing: a code gives its category.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

# category -> statutory codes; the first code represents the category when only it is known
CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        "a) Male": ("M", "1"),
        "b) Female": ("F", "2"),
        "c) Not stated/recorded": ("U", "0", "9"),
        "d) Neither": ("U",),
    },
    "source": {
        "a) Individual": ("1A", "1B", "1C", "1D"),
        "b) Schools": ("2A",),
        "c) Education services": ("2B",),
        "d) Health services": ("3A", "3B", "3C", "3D", "3E", "3F"),
        "e) Housing": ("4",),
        "f) LA services": ("5A", "5B", "5C", "5D"),
        "g) Police": ("6",),
        "h) Other legal agency": ("7",),
        "i) Other": ("8",),
        "j) Anonymous": ("9",),
        "k) Unknown": ("10",),
    },
    "need": {
        "a) Abuse or neglect": ("N1",),
        "b) Child's disability": ("N2",),
        "c) Parents illness or disability": ("N3",),
        "d) Family in acute stress": ("N4",),
        "e) Family dysfunction": ("N5",),
        "f) Socially unacceptable behaviour": ("N6",),
        "g) Low income": ("N7",),
        "h) Absent parenting": ("N8",),
        "i) Not CIN": ("N9",),
    },
    "closure": {
        "a) Adopted": ("RC1",),
        "b) Died": ("RC2",),
        "c) Residence Order": ("RC3",),
        "d) Special Guardianship Order": ("RC4",),
        "e) Transfer to another LA": ("RC5",),
        "f) Transfer to Adult Social Services": ("RC6",),
        "g) 'Other' incl. Child no longer in need": ("RC7", "RC9"),
        "h) Child not in need after assessment": ("RC8",),
    },
    "abuse": {
        "a) Neglect": ("NEG",),
        "b) Physical Abuse": ("PHY",),
        "c) Sexual Abuse": ("SAB",),
        "d) Emotional Abuse": ("EMO",),
        "e) Multiple": ("MUL",),
    },
    "legal": {
        "a) Interim care orders": ("C1",),
        "b) Full care orders": ("C2",),
        "c) Freed for  Adoption": ("D1",),
        "d) Placement order granted": ("E1",),
        "e) Accommodated under S20": ("V2", "V3", "V4"),
        "f) Detained on child protection grounds in LA accommodation": ("L1", "L2", "L3"),
        "J1: Remanded to LA or youth detention": ("J1",),
        "J2: LA accommodation under PACE": ("J2",),
        "g) Youth justice legal Statuses": ("J3",),
    },
    "placement": {
        "a) Foster placement": ("U6", "U1", "U2", "U3", "U4", "U5"),
        "b) Placed for adoption": ("A5", "A3", "A4", "A6"),
        "c) Placed with parents": ("P1",),
        "d) Independent living": ("P2",),
        "e) Residential employment": ("P3",),
        "f) Residential accommodation": ("R5",),
        "g) Secure Children’s Homes": ("K1",),
        "h) Children’s Homes": ("K2",),
        "i) Residential Care Home": ("R1",),
        "j) NHS/Health Trust": ("R2",),
        "k) Family Centre or Mother and Baby Unit": ("R3",),
        "l) Young Offender Institution": ("R5",),
        "m) Residential school": ("S1",),
        "n) Other placements": ("Z1",),
        "o) Temporary placement": ("T0", "T1", "T2", "T3", "T4"),
    },
    "provider": {
        "a) Own LA": ("PR1",),
        "b) Private": ("PR4",),
        "c) Other": ("PR5", "PR0", "PR2", "PR3"),
    },
    "ceased": {
        "a) Adopted": ("E11", "E12"),
        "b) Died": ("E2",),
        "c) Care taken by another LA": ("E3",),
        "d) Returned home to live with parents or relatives": ("E4A", "E4B"),
        "e) Left care to live with parents, relatives or other person with no parental responsibility": (
            "E13",
        ),
        "f) Residence order granted": ("E41", "E43", "E44"),
        "g) Special Guardianship Orders": ("E45", "E46", "E47", "E48"),
        "h) Moved into independent living": ("E5", "E6"),
        "i) Transferred to residential care funded by adult social services": ("E7",),
        "j) Sentenced to custody": ("E9",),
        "k) Accommodation on remand ended": ("E14",),
        "l) Age assessment determined child was 18 or over": ("E15",),
        "m) Child moved abroad": ("E16",),
        "n) Care ceased for any other reason": ("E8", "E17"),
    },
    "eligibility": {
        "a) Relevant": ("RELV",),
        "b) Former relevant": ("FRLV",),
        "c) Qualifying": ("QUAL",),
        "d) Eligible": ("ELIG",),
    },
    "in_touch": {
        "a) In touch": ("YES",),
        "b) Not in touch": ("NO", "RHOM", "REFU"),
        "d) Exclude": ("DIED", "NREQ"),
    },
    "accommodation": {
        "a) With parents or relatives": ("B",),
        "b) Community home": ("C",),
        "c) Semi-independent transitional accommodation": ("D",),
        "d) Supported lodgings": ("E",),
        "e) Gone abroad": ("G",),
        "f) Deported": ("H",),
        "g) Ordinary lodgings": ("K",),
        "h) Residence not known": ("R",),
        "i) No fixed abode / homeless": ("S",),
        "j) Foyers": ("T",),
        "k) Independent living": ("U",),
        "l) Emergency accommodation": ("V",),
        "m) Bed and breakfast": ("W",),
        "n) In custody": ("X",),
        "o) With Former Foster Carer": ("Z",),
        "p) Other accommodation": ("Y",),
        "0": ("0",),  # 903: no accommodation recorded (not in touch)
    },
    "suitable": {"a) Suitable": ("1",), "b) Not suitable": ("2",)},
    "activity": {
        "0": ("0",),  # 903: no activity recorded (not in touch)
        **{c: (c,) for c in ("F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5")},
        **{c: (c,) for c in ("G1", "G2", "G3", "G4", "G5", "G6")},
    },
    "yn": {"Yes": ("Y",), "No": ("N",)},
}

# The CIN ethnicity codes in the order of Ofsted's template letters ("a) WBRI" ... "s) NOBT").
ETHNICITY = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "NOBT",
    "REFU",
]
_ETHNIC_RE = re.compile(r"\b(" + "|".join(ETHNICITY) + r")\b")

# The liiatools category names differ a little from the ones written; both read the same.
_CATEGORY_ALIASES = {
    "c) education services": "c) Education services",
    "d) health services": "d) Health services",
    "f) la services": "f) LA services",
    "a) foster placement": "a) Foster placement",
    "e) left care to live with parents": "e) Left care to live with parents, relatives or other person "
    "with no parental responsibility",
    "true": "Yes",
    "false": "No",
}


# Descriptions without a code ("White British", "Pakistani"): the first rule whose words all appear
# wins, so the more specific rules come first. A broad group alone ("White", "Asian") is left blank.
_ETHNIC_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("white", "black", "caribbean"), "MWBC"),
    (("white", "black", "african"), "MWBA"),
    (("white", "asian"), "MWAS"),
    (("mixed", "other"), "MOTH"),
    (("traveller",), "WIRT"),
    (("gypsy",), "WROM"),
    (("roma",), "WROM"),
    (("irish",), "WIRI"),
    (("indian",), "AIND"),
    (("pakistani",), "APKN"),
    (("bangladeshi",), "ABAN"),
    (("chinese",), "CHNE"),
    (("black", "caribbean"), "BCRB"),
    (("black", "african"), "BAFR"),
    (("black", "other"), "BOTH"),
    (("asian", "other"), "AOTH"),
    (("white", "other"), "WOTH"),
    (("other", "ethnic"), "OOTH"),
    (("white", "british"), "WBRI"),
    (("english",), "WBRI"),
    (("refused",), "REFU"),
    (("declined",), "REFU"),
    (("not", "obtained"), "NOBT"),
    (("not", "yet"), "NOBT"),
)


def _ethnicity_from_words(text: str) -> str | None:
    words = set(re.findall(r"[a-z]+", text))
    for needed, code in _ETHNIC_WORDS:
        if all(w in words for w in needed):
            return code
    return None


def norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text).replace("\u00a0", " ")).strip().lower()


@cache
def spellings() -> dict[str, dict[str, str]]:
    """Annex A heading (normalised) -> spelling (normalised) -> category, from the bundled file."""
    out: dict[str, dict[str, str]] = {}
    path = resources.files("careboard.engine.formats").joinpath("data/annex_a_values.csv")
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["column"], {})[row["spelling"]] = row["category"]
    return out


@cache
def code_lookup(kind: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(code -> code, normalised category -> representative code, code -> category) for ``kind``."""
    cats = CATEGORIES[kind]
    codes = {c.upper(): c for codes in cats.values() for c in codes}
    by_category = {norm(cat): codes[0] for cat, codes in cats.items()}
    for alias, cat in _CATEGORY_ALIASES.items():
        if cat in cats:
            by_category[alias] = cats[cat][0]
    to_category: dict[str, str] = {}
    for cat, cs in cats.items():
        for c in cs:
            to_category.setdefault(c, cat)
    return codes, by_category, to_category


def code_for(kind: str, heading: str, value: str) -> str | None:
    """The statutory code an Annex A value means, or None when it cannot be told."""
    text = norm(value)
    if not text:
        return None
    if kind == "ethnicity":
        found = _ETHNIC_RE.search(value.upper())
        return found.group(1) if found else _ethnicity_from_words(text)
    codes, by_category, _ = code_lookup(kind)
    if kind == "accommodation":
        # 903 style: the letter, perhaps with the suitability digit ("B1", "U: Independent living")
        single = re.match(r"\s*([A-Z])\d?\s*(?:[:\-]|$)", str(value))
        if single and single.group(1) in codes:
            return single.group(1)
    if kind != "yn":
        # a statutory code written in the value: "q) 6: Police", "E1: Placement order", "U6"
        for token in re.findall(r"[A-Za-z]*\d+[A-Za-z]?|[A-Z]{2,4}", str(value)):
            if token.upper() in codes:
                code = codes[token.upper()]
                # older sex codes (1/2/0/9) read as today's spelling
                return by_category[norm(code_lookup(kind)[2][code])] if kind == "sex" else code
    if text in by_category:
        return by_category[text]
    category = spellings().get(norm(heading), {}).get(text)
    if category is not None:
        return by_category.get(norm(category))
    if kind == "yn":
        return {"y": "Y", "yes": "Y", "a) yes": "Y", "n": "N", "no": "N", "b) no": "N"}.get(text)
    if kind == "sex" and text.upper() in codes:
        return by_category[norm(code_lookup(kind)[2][codes[text.upper()]])]
    return None


def category_for(kind: str, code: str | None) -> str | None:
    """The Annex A value written for a statutory code."""
    if code is None:
        return None
    if kind == "ethnicity":
        return f"{chr(ord('a') + ETHNICITY.index(code))}) {code}" if code in ETHNICITY else code
    return code_lookup(kind)[2].get(code, code)
