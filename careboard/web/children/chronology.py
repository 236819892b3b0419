"""A child's chronology: every dated event careboard holds about them, newest first.

Each source is one line of ``SOURCES``: the table, its child and date columns, what the event is
called, and an optional detail column, so adding a kind of event is one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from careboard.engine.store import Dataset


@dataclass(frozen=True)
class Source:
    table: str
    person: str
    when: str
    what: str
    detail: str | None = None


SOURCES: tuple[Source, ...] = (
    Source("ssd_contacts", "cont_person_id", "cont_contact_date", "Contact", "cont_contact_source_desc"),
    Source(
        "ssd_early_help_episodes",
        "earl_person_id",
        "earl_episode_start_date",
        "Early help started",
        "earl_episode_reason",
    ),
    Source(
        "ssd_early_help_episodes",
        "earl_person_id",
        "earl_episode_end_date",
        "Early help ended",
        "earl_episode_end_reason",
    ),
    Source(
        "ssd_cin_episodes", "cine_person_id", "cine_referral_date", "Referral", "cine_cin_primary_need_code"
    ),
    Source(
        "ssd_cin_episodes",
        "cine_person_id",
        "cine_close_date",
        "Referral (CIN episode) closed",
        "cine_close_reason",
    ),
    Source("ssd_cin_assessments", "cina_person_id", "cina_assessment_start_date", "Assessment started"),
    Source("ssd_cin_assessments", "cina_person_id", "cina_assessment_auth_date", "Assessment completed"),
    Source("ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date", "Section 47 enquiry started"),
    Source("ssd_s47_enquiry", "s47e_person_id", "s47e_s47_end_date", "Section 47 enquiry ended"),
    Source(
        "ssd_initial_cp_conference", "icpc_person_id", "icpc_icpc_date", "Initial child protection conference"
    ),
    Source(
        "ssd_cp_plans",
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "Child protection plan started",
        "cppl_cp_plan_initial_category",
    ),
    Source("ssd_cp_plans", "cppl_person_id", "cppl_cp_plan_end_date", "Child protection plan ended"),
    Source("ssd_cp_reviews", "cppr_person_id", "cppr_cp_review_date", "Child protection review"),
    Source("ssd_cp_visits", "cppv_person_id", "cppv_cp_visit_date", "Child protection visit"),
    Source("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_start_date", "Child in need plan started"),
    Source("ssd_cin_plans", "cinp_person_id", "cinp_cin_plan_end_date", "Child in need plan ended"),
    Source("cb_cin_plan_reviews", "cinr_person_id", "cinr_review_date", "Child in need plan review"),
    Source("ssd_cin_visits", "cinv_person_id", "cinv_cin_visit_date", "Child in need visit"),
    Source(
        "ssd_cla_episodes",
        "clae_person_id",
        "clae_cla_episode_start_date",
        "Care episode started",
        "clae_cla_episode_start_reason",
    ),
    Source(
        "ssd_cla_episodes",
        "clae_person_id",
        "clae_cla_episode_ceased_date",
        "Care episode ended",
        "clae_cla_episode_ceased_reason",
    ),
    Source(
        "ssd_cla_placement",
        "clap_person_id",
        "clap_cla_placement_start_date",
        "Placement started",
        "clap_cla_placement_type",
    ),
    Source(
        "ssd_cla_placement",
        "clap_person_id",
        "clap_cla_placement_end_date",
        "Placement ended",
        "clap_cla_placement_change_reason",
    ),
    Source(
        "ssd_legal_status",
        "lega_person_id",
        "lega_legal_status_start_date",
        "Legal status",
        "lega_legal_status",
    ),
    Source("ssd_cla_visits", "clav_person_id", "clav_cla_visit_date", "Visit (child in care)"),
    Source(
        "ssd_cla_health", "clah_person_id", "clah_health_check_date", "Health check", "clah_health_check_type"
    ),
    Source(
        "ssd_cla_immunisations",
        "clai_person_id",
        "clai_immunisations_status_date",
        "Immunisations recorded",
        "clai_immunisations_status",
    ),
    Source("cb_pep", "pepe_person_id", "pepe_pep_date", "Personal education plan", "pepe_pep_status"),
    Source(
        "ssd_missing",
        "miss_person_id",
        "miss_missing_episode_start_date",
        "Missing or away from placement",
        "miss_missing_episode_type",
    ),
    Source("ssd_missing", "miss_person_id", "miss_rhi_date", "Return home interview"),
    Source("ssd_permanence", "perm_person_id", "perm_adm_decision_date", "Adoption decision (ADM)"),
    Source("ssd_permanence", "perm_person_id", "perm_placement_order_date", "Placement order"),
    Source("ssd_permanence", "perm_person_id", "perm_matched_date", "Matched with adopters"),
    Source("ssd_permanence", "perm_person_id", "perm_placed_for_adoption_date", "Placed for adoption"),
    Source(
        "ssd_permanence",
        "perm_person_id",
        "perm_permanence_order_date",
        "Permanence order",
        "perm_permanence_order_type",
    ),
    Source(
        "ssd_care_leavers",
        "clea_person_id",
        "clea_care_leaver_latest_contact",
        "Care leaver contact",
        "clea_care_leaver_in_touch",
    ),
    Source("ssd_care_leavers", "clea_person_id", "clea_pathway_plan_review_date", "Pathway plan review"),
    Source(
        "ssd_pre_proceedings", "prep_person_id", "prep_pre_pro_decision_date", "Pre-proceedings (PLO) started"
    ),
    Source(
        "ssd_pre_proceedings",
        "prep_person_id",
        "prep_agree_stepdown_issue_date",
        "Pre-proceedings ended",
        "prep_pre_pro_outcome",
    ),
    Source("ssd_pre_proceedings", "prep_person_id", "prep_care_proc_issue_date", "Care proceedings issued"),
    Source(
        "cb_management_oversight",
        "mano_person_id",
        "mano_oversight_date",
        "Management oversight",
        "mano_oversight_kind",
    ),
    Source(
        "ssd_involvements",
        "invo_person_id",
        "invo_involvement_start_date",
        "Allocated",
        "invo_professional_role_id",
    ),
    Source(
        "ssd_involvements",
        "invo_person_id",
        "invo_involvement_end_date",
        "Allocation ended",
        "invo_worker_change_reason",
    ),
)

EVENT_SCHEMA = pl.Schema({"when": pl.Date, "what": pl.String, "detail": pl.String, "source": pl.String})


def chronology(data: Dataset, person_id: str) -> pl.DataFrame:
    frames = []
    for s in SOURCES:
        df = data[s.table]
        rows = df.filter((pl.col(s.person) == person_id) & pl.col(s.when).is_not_null())
        if rows.is_empty():
            continue
        frames.append(
            rows.select(
                when=pl.col(s.when).cast(pl.Date),
                what=pl.lit(s.what),
                detail=pl.col(s.detail).cast(pl.String) if s.detail else pl.lit(None, pl.String),
                source=pl.lit(s.table),
            )
        )
    frames.extend(_cla_reviews(data, person_id))
    if not frames:
        return pl.DataFrame(schema=EVENT_SCHEMA)
    return (
        pl.concat(frames, how="vertical").cast(EVENT_SCHEMA).sort(["when", "what"], descending=[True, False])
    )


def _cla_reviews(data: Dataset, person_id: str) -> list[pl.DataFrame]:
    """Reviews of a child in care name the period of care, not the child: join through episodes."""
    periods = data["ssd_cla_episodes"].filter(pl.col("clae_person_id") == person_id)["clae_cla_id"].unique()
    reviews = data["ssd_cla_reviews"].filter(
        pl.col("clar_cla_id").is_in(periods.to_list()) & pl.col("clar_cla_review_date").is_not_null()
    )
    if reviews.is_empty():
        return []
    return [
        reviews.select(
            when=pl.col("clar_cla_review_date"),
            what=pl.lit("Review (child in care)"),
            detail=pl.lit(None, pl.String),
            source=pl.lit("ssd_cla_reviews"),
        )
    ]


@dataclass(frozen=True)
class KeyDates:
    name: str
    dob: date | None
    sex: str | None
    first_contact: date | None
    latest_event: date | None
    team_id: str | None
    worker_id: str | None


def key_dates(data: Dataset, person_id: str, events: pl.DataFrame) -> KeyDates:
    person = data["ssd_person"].filter(pl.col("pers_person_id") == person_id)
    rec = person.row(0, named=True) if person.height else {}
    alloc = (
        data["ssd_involvements"]
        .filter(
            (pl.col("invo_person_id") == person_id)
            & (pl.col("invo_professional_role_id") != "IRO").fill_null(True)
        )
        .sort("invo_involvement_start_date", nulls_last=False)
        .tail(1)
    )
    contacts = events.filter(pl.col("source") == "ssd_contacts")["when"]
    return KeyDates(
        name=" ".join(p for p in (rec.get("pers_forename"), rec.get("pers_surname")) if p) or person_id,
        dob=rec.get("pers_dob"),
        sex=rec.get("pers_sex"),
        first_contact=contacts.min() if contacts.len() else None,  # type: ignore[arg-type]
        latest_event=events["when"].max() if events.height else None,  # type: ignore[arg-type]
        team_id=alloc["invo_professional_team"][0] if alloc.height else None,
        worker_id=alloc["invo_professional_id"][0] if alloc.height else None,
    )
