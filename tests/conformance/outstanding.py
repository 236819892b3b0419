"""DfE validator rules that still fail on the returns written from generated data, and why.

This list is the visible record of what stops "zero errors": the conformance tests fail on any
rule not listed here, and docs/formats.md shows the same list (a test keeps them equal). Who
can fix each: ``generator`` (the synthetic data lacks or contradicts something the return
needs), ``model`` (the canonical model has no place for an item the return requires), or
``validator`` (the DfE tool itself is wrong or cannot see enough; shown by a minimal case in
test_dfe_validators.py).

The ``*_EARLIER`` lists hold rules that failed on earlier versions of the generated data and
pass on the latest; they stay allowed (and shown in the docs as such) while the generator
settles, so a change there is reported rather than silently accepted or blocking.
"""

SSDA903: dict[str, tuple[str, str]] = {
    "202": ("validator", "2024/25 compares this year's sex (M/F) with last year's (1/2) as text"),
    "1001": ("validator", "sees episodes of this and last year only, so older care leavers look ineligible"),
    "1002": (
        "validator",
        "sees episodes of this and last year only, so older care leavers look never in care",
    ),
    "624": (
        "validator",
        "a mother who left care is flagged whether her first child's birth date is kept (612) or not (624)",
    ),
}

SSDA903_EARLIER: dict[str, tuple[str, str]] = {
    "210": (
        "generator",
        "UPN-unknown code UN4 (newly looked after) for children in care over a week at 31 March",
    ),
    "232": ("generator", "sex U (unknown) recorded for a child"),
    "218": ("generator", "URN missing for placement types that need one (2025/26 rule)"),
    "601": ("generator", "adopted in the year without adopter details (perm_adopter_* not generated)"),
    "151": ("generator", "AD1 partly completed: adopter sex, legal status and number not generated"),
    "630": ("generator", "previous permanence missing for children starting care: table not generated"),
    "436": ("generator", "RNE U (placement and legal status change) where one of them does not change"),
    "199": ("generator", "a child adopted from care last year starts a new period of care"),
    "575": (
        "generator",
        "a missing period still open at the end of care (no end date) when the child ceased care in the year",
    ),
    "577": ("generator", "a child ceased care while a missing period has no end date"),
    "442": ("generator", "UPN blank: no UPNs generated and a UN code for some children only"),
    "393": ("generator", "MOTHER blank for girls 12 and over: pers_is_mother was left blank for them"),
    "607": ("generator", "MOTHER blank for girls leaving care: pers_is_mother was left blank for them"),
    "392a": ("generator", "no placement distance: no home or placement postcodes were generated"),
    "392b": (
        "generator",
        "no postcodes: ssd_address (HOME) and clap_cla_placement_postcode were not generated",
    ),
    "169": ("generator", "placement LA unknown: no placement postcode was generated"),
    "179": ("generator", "placement location unknown: no placement postcode was generated"),
    "1015": (
        "generator",
        "own provision (PR1) outside the LA: the LA is unknown without a placement postcode",
    ),
    "186": ("generator", "SDQ score: no ssd_sdq_scores rows were generated"),
    "197B": ("generator", "SDQ score or reason: no ssd_sdq_scores rows were generated"),
}

# Rules the DfE validator cannot run at all: they read columns its own reader never makes.
SSDA903_CANNOT_RUN: dict[str, str] = {
    "231": "reads Header.UASC_STATUS, which the validator's CSV reader names UASC",
    "233": "reads Episodes.DATE_EPISODE_CEASED, which does not exist (the column is DEC)",
}

CIN: dict[str, tuple[str, str]] = {}

CIN_EARLIER: dict[str, tuple[str, str]] = {
    "1103": ("generator", "assessments start before their referral date"),
    "2889": ("generator", "section 47 enquiries start before their referral date"),
    "2990": ("generator", "activity recorded on episodes closed RC8/RC9 (closed after assessment)"),
    "8565": ("generator", "an ICPC or plan dated after the CIN episode's closure date"),
}

CIN_CANNOT_RUN: dict[str, str] = {
    "8565": (
        "raised ValueError (Length of values (0) does not match length of index) inside the rule "
        "on an earlier generated return"
    ),
}
