"""The canonical data model: the SSD tables careboard uses, plus marked extensions.

Table and field names follow the Standard Safeguarding Dataset (SSD) specification wherever the
SSD has the item, so a council with the SSD deployed can load its tables directly. Items the SSD
does not have are *extensions*: extension tables are named ``cb_*`` and extension fields carry
``extension=True``; both are listed as such in ``docs/data-model.md``.

Conventions for values:
- identifiers are strings; dates are ``pl.Date``; a contact's date and decision are datetimes;
- flags are ``"Y"`` / ``"N"``;
- coded values use the statutory codes (SSDA903 for care, CIN census for need and referrals,
  workforce census for staff), in their current collection year's spelling.

On disk a canonical dataset is a folder with one file per table named after the table
(``ssd_person.parquet`` or ``ssd_person.csv``); see :mod:`careboard.engine.store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

S = pl.String()
D = pl.Date()
DT = pl.Datetime("us")
I = pl.Int64()  # noqa: E741
F = pl.Float64()


@dataclass(frozen=True)
class Field:
    name: str
    dtype: pl.DataType
    description: str = ""
    extension: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    key: str | None
    fields: tuple[Field, ...]
    description: str = ""
    extension: bool = False
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def schema(self) -> pl.Schema:
        return pl.Schema({f.name: f.dtype for f in self.fields})

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def person_field(self) -> str | None:
        """The field naming the child (``*_person_id``), if the table has one."""
        for f in self.fields:
            if f.name.endswith("_person_id"):
                return f.name
        return None

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema)

    def conform(self, df: pl.DataFrame) -> pl.DataFrame:
        """Return ``df`` with exactly this table's columns and types, missing columns as null.

        Raises ``ValueError`` naming the table and columns it does not know: an unknown column is a
        programming error here; readers of outside files report such columns as issues first.
        """
        unknown = [c for c in df.columns if c not in self.by_name]
        if unknown:
            raise ValueError(f"{self.name}: unknown columns {unknown}")
        return df.select(
            [
                pl.col(f.name).cast(f.dtype) if f.name in df.columns else pl.lit(None, f.dtype).alias(f.name)
                for f in self.fields
            ]
        )


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "ssd_person",
            key="pers_person_id",
            description="Person",
            fields=(
                Field("pers_person_id", S, "Person Unique ID"),
                Field("pers_forename", S, "First/Fore name"),
                Field("pers_surname", S, "LAst/Surname"),
                Field("pers_sex", S, "Sex"),
                Field("pers_gender", S, "Gender"),
                Field("pers_ethnicity", S, "Ethnicity"),
                Field("pers_dob", D, "Date of Birth"),
                Field("pers_common_child_id", S, "Common Child Identifier (NHS Number)"),
                Field("pers_legacy_id", S, "Person System ID (Placeholder or needed by some CMS)"),
                Field("pers_upn_unknown", S, "UPN Unknown"),
                Field("pers_send_flag", S, "SEND Flag"),
                Field("pers_expected_dob", D, "Expected Birth Date"),
                Field("pers_death_date", D, "Date of Death"),
                Field("pers_is_mother", S, "Mother"),
                Field("pers_nationality", S, "Country of Origin (UASC)"),
            ),
        ),
        Table(
            "ssd_linked_identifiers",
            key="link_table_id",
            description="Linked identifiers (a Unique Pupil Number has link_identifier_type 'Unique Pupil Number')",
            fields=(
                Field("link_table_id", S, "Link table row ID"),
                Field("link_person_id", S, "Person Unique ID"),
                Field("link_identifier_type", S, "Identifier type, e.g. 'Unique Pupil Number'"),
                Field("link_identifier_value", S, "Identifier or reference code"),
                Field("link_valid_from_date", D, "Date the identifier is known/valid from"),
                Field("link_valid_to_date", D, "Date the identifier ceases to be known/valid"),
            ),
        ),
        Table(
            "ssd_mother",
            key="moth_table_id",
            description="Mother: a child who is a mother, one row per child of hers",
            fields=(
                Field("moth_table_id", S, "Mother Table ID"),
                Field("moth_person_id", S, "Person Unique ID (Mother)"),
                Field("moth_childs_person_id", S, "Mother's Child's Unique ID"),
                Field("moth_childs_dob", D, "Date of birth of mother's child"),
            ),
        ),
        Table(
            "ssd_disability",
            key="disa_table_id",
            description="Disability",
            fields=(
                Field("disa_person_id", S, "Person Unique ID"),
                Field("disa_table_id", S, "Disability table row ID"),
                Field("disa_disability_code", S, "Disability Code"),
            ),
        ),
        Table(
            "ssd_immigration_status",
            key="immi_immigration_status_id",
            description="Immigration status",
            fields=(
                Field("immi_person_id", S, "Person Unique ID"),
                Field("immi_immigration_status_id", S, "Immigration Status ID"),
                Field("immi_immigration_status", S, "Immigration Status"),
                Field("immi_immigration_status_start_date", D, "Immigration Status Start"),
                Field("immi_immigration_status_end_date", D, "Immigration Status End"),
            ),
        ),
        Table(
            "ssd_address",
            key="addr_table_id",
            description="Address",
            fields=(
                Field("addr_table_id", S, "Address table row ID"),
                Field("addr_address_json", S, "Address"),
                Field("addr_person_id", S, "Person Unique ID"),
                Field("addr_address_type", S, "Address Type"),
                Field("addr_address_start_date", D, "Address Start Date/ From"),
                Field("addr_address_end_date", D, "Address End Date/ To"),
                Field("addr_address_postcode", S, "Address Postcode"),
            ),
        ),
        Table(
            "ssd_early_help_episodes",
            key="earl_episode_id",
            description="Early help episodes",
            fields=(
                Field("earl_episode_id", S, "EH Episode ID"),
                Field("earl_person_id", S, "Person Unique ID"),
                Field("earl_episode_start_date", D, "EH Episode Start Date"),
                Field("earl_episode_end_date", D, "EH Episode End Date"),
                Field("earl_episode_reason", S, "EH Episode Reason for Involvement"),
                Field("earl_episode_end_reason", S, "EH Episode End Reason"),
                Field("earl_episode_organisation", S, "EH Episode Allocated Organisation"),
                Field("earl_episode_worker_id", S, "EH Episode Allocated Worker"),
            ),
        ),
        Table(
            "ssd_contacts",
            key="cont_contact_id",
            description="Contacts",
            fields=(
                Field("cont_contact_id", S, "Contact ID"),
                Field("cont_person_id", S, "Person Unique ID"),
                Field("cont_contact_date", DT, "Date of Contact"),
                Field("cont_contact_source_code", S, "Contact Source Code"),
                Field("cont_contact_source_desc", S, "Contact Source Description"),
                Field("cont_contact_outcome_json", S, "Contact Outcome"),
                Field(
                    "cont_decision_datetime",
                    DT,
                    "Date and time the decision on the contact was recorded",
                    extension=True,
                ),
                Field(
                    "cont_contact_team", S, "Team that received the contact (dept_team_id)", extension=True
                ),
            ),
        ),
        Table(
            "ssd_cin_episodes",
            key="cine_referral_id",
            description="Cin episodes",
            fields=(
                Field("cine_referral_id", S, "CIN Referral ID"),
                Field("cine_person_id", S, "Person Unique ID"),
                Field("cine_referral_date", D, "CIN Referral Date"),
                Field("cine_cin_primary_need_code", S, "CIN Primary Need Code"),
                Field("cine_referral_source_code", S, "CIN Referral Source code"),
                Field("cine_referral_source_desc", S, "CIN Referral Source description"),
                Field("cine_referral_outcome_json", S, "CIN Referral Outcome"),
                Field("cine_referral_nfa", S, "CIN Referral NFA Flag"),
                Field("cine_close_reason", S, "CIN Closure Reason"),
                Field("cine_close_date", D, "CIN Closure Date"),
                Field("cine_referral_team", S, "CIN Referral Completed by Team"),
                Field("cine_referral_worker_id", S, "CIN Referral Completed by Worker Name"),
                Field(
                    "cine_child_first_seen_date",
                    D,
                    "Date the child was first seen by a social worker after the referral",
                    extension=True,
                ),
            ),
        ),
        Table(
            "ssd_cin_assessments",
            key="cina_assessment_id",
            description="Cin assessments",
            fields=(
                Field("cina_assessment_id", S, "Assessment ID"),
                Field("cina_person_id", S, "Person Unique ID"),
                Field("cina_referral_id", S, "Referral ID"),
                Field("cina_assessment_start_date", D, "Assessment Start Date"),
                Field("cina_assessment_child_seen", S, "Child Seen During Assessment"),
                Field("cina_assessment_auth_date", D, "Assessment Authorised Date"),
                Field("cina_assessment_outcome_json", S, "Assessment Outcome"),
                Field("cina_assessment_outcome_nfa", S, "Assessment NFA"),
                Field("cina_assessment_team", S, "Assessment Completed by Team"),
                Field("cina_assessment_worker_id", S, "Assessment Completed by Worker name"),
            ),
        ),
        Table(
            "ssd_s47_enquiry",
            key="s47e_s47_enquiry_id",
            description="S47 enquiry",
            fields=(
                Field("s47e_s47_enquiry_id", S, "S47 Enquiry ID"),
                Field("s47e_referral_id", S, "Referral ID"),
                Field("s47e_person_id", S, "Person Unique ID"),
                Field("s47e_s47_start_date", D, "S47 Start Date"),
                Field("s47e_s47_end_date", D, "S47 End Date"),
                Field("s47e_s47_nfa", S, "S47 NFA"),
                Field("s47e_s47_outcome_json", S, "S47 Outcome"),
                Field("s47e_s47_completed_by_worker_id", S, "S47 Enquiries completed by worker"),
                Field("s47e_s47_completed_by_team", S, "S47 Enquiries completed by team"),
            ),
        ),
        Table(
            "ssd_initial_cp_conference",
            key="icpc_icpc_id",
            description="Initial cp conference",
            fields=(
                Field("icpc_icpc_id", S, "Initial CP Conference ID"),
                Field("icpc_icpc_meeting_id", S, "Initial CP Conference Meeting ID"),
                Field("icpc_s47_enquiry_id", S, "S47 Enquiry ID"),
                Field("icpc_person_id", S, "Person Unique ID"),
                Field("icpc_cp_plan_id", S, "CP Plan ID"),
                Field("icpc_referral_id", S, "Referral ID"),
                Field("icpc_icpc_transfer_in", S, "Is this a transferred in ICPC?"),
                Field("icpc_icpc_target_date", D, "Target ICPC date"),
                Field("icpc_icpc_date", D, "Date of Initial CP Conference"),
                Field("icpc_icpc_outcome_cp_flag", S, "ICPC Outcome CP Flag"),
                Field("icpc_icpc_outcome_json", S, "Outcome of Initial CP Conference"),
                Field("icpc_icpc_team", S, "ICPC Completed by Team"),
                Field("icpc_icpc_worker_id", S, "ICPC Completed by Worker"),
            ),
        ),
        Table(
            "ssd_cp_plans",
            key="cppl_cp_plan_id",
            description="Cp plans",
            fields=(
                Field("cppl_cp_plan_id", S, "CP Plan ID"),
                Field("cppl_referral_id", S, "Referral ID"),
                Field("cppl_icpc_id", S, "Initial CP Conference ID"),
                Field("cppl_person_id", S, "Person Unique ID"),
                Field("cppl_cp_plan_start_date", D, "CP Plan Start Date"),
                Field("cppl_cp_plan_end_date", D, "CP Plan End Date"),
                Field("cppl_cp_plan_initial_category", S, "CP Plan Initial Category of Abuse"),
                Field("cppl_cp_plan_ola", S, "OLA CP Plan?"),
                Field("cppl_cp_plan_latest_category", S, "CP Plan Latest Category of Abuse"),
            ),
        ),
        Table(
            "ssd_cp_reviews",
            key="cppr_cp_review_id",
            description="Cp reviews",
            fields=(
                Field("cppr_cp_review_id", S, "Review ID"),
                Field("cppr_person_id", S, "Person Unique ID"),
                Field("cppr_cp_plan_id", S, "CP Plan ID"),
                Field("cppr_cp_review_due", D, "Review Due Date"),
                Field("cppr_cp_review_date", D, "Date of Review"),
                Field("cppr_cp_review_meeting_id", S, "CP Review Meeting ID"),
                Field("cppr_cp_review_outcome_continue_cp", S, "CP Plan to Continue?"),
                Field("cppr_cp_review_quorate", S, "Quorate?"),
                Field("cppr_cp_review_participation", S, "Child Participation at Review"),
            ),
        ),
        Table(
            "ssd_cp_visits",
            key="cppv_cp_visit_id",
            description="Cp visits",
            fields=(
                Field("cppv_cp_visit_id", S, "Casenote ID (Visit record)"),
                Field("cppv_person_id", S, "Person Unique ID"),
                Field("cppv_cp_plan_id", S, "CP Plan ID"),
                Field("cppv_cp_visit_date", D, "Date of Visit"),
                Field("cppv_cp_visit_seen", S, "Child Seen"),
                Field("cppv_cp_visit_seen_alone", S, "Child Seen Alone"),
                Field("cppv_cp_visit_bedroom", S, "Child Bedroom Seen"),
            ),
        ),
        Table(
            "ssd_cin_plans",
            key="cinp_cin_plan_id",
            description="Cin plans",
            fields=(
                Field("cinp_cin_plan_id", S, "CIN Plan ID"),
                Field("cinp_referral_id", S, "Referral ID"),
                Field("cinp_person_id", S, "Person Unique ID"),
                Field("cinp_cin_plan_start_date", D, "CIN Plan Start Date"),
                Field("cinp_cin_plan_end_date", D, "CIN Plan End Date"),
                Field("cinp_cin_plan_team", S, "CIN Plan Allocated Team"),
                Field("cinp_cin_plan_worker_id", S, "CIN Plan Worker Name"),
            ),
        ),
        Table(
            "ssd_cin_visits",
            key="cinv_cin_visit_id",
            description="Cin visits",
            fields=(
                Field("cinv_cin_visit_id", S, "CIN Visit ID"),
                Field("cinv_person_id", S, "Person Unique ID"),
                Field("cinv_cin_visit_date", D, "CIN Visit Date"),
                Field("cinv_cin_visit_seen", S, "Child Seen"),
                Field("cinv_cin_visit_seen_alone", S, "Child Seen Alone"),
                Field("cinv_cin_visit_bedroom", S, "Child Bedroom Seen"),
            ),
        ),
        Table(
            "ssd_cla_episodes",
            key="clae_cla_episode_id",
            description="Cla episodes",
            fields=(
                Field("clae_cla_episode_id", S, "Episode ID"),
                Field("clae_person_id", S, "Person Unique ID"),
                Field("clae_cla_episode_start_date", D, "Date Episode Commenced"),
                Field("clae_cla_episode_start_reason", S, "Reason for New CLA Episode"),
                Field("clae_cla_primary_need_code", S, "CIN Primary Need Code"),
                Field("clae_cla_episode_ceased_date", D, "Date Episode Ceased"),
                Field("clae_cla_episode_ceased_reason", S, "Reason Episode Ceased"),
                Field("clae_cla_id", S, "CLA ID"),
                Field("clae_referral_id", S, "Referral ID"),
                Field("clae_cla_placement_id", S, "fk reference from cla_placements"),
                Field("clae_entered_care_date", D, "Date the child entered Care"),
                Field("clae_cla_last_iro_contact_date", D, "Date of Last IRO Visit / Contact to the Child"),
            ),
        ),
        Table(
            "ssd_cla_placement",
            key="clap_cla_placement_id",
            description="Cla placement",
            fields=(
                Field("clap_cla_placement_id", S, "Placement ID"),
                Field("clap_cla_placement_start_date", D, "Placement Start Date"),
                Field("clap_cla_placement_type", S, "Placement Type"),
                Field("clap_cla_placement_urn", S, "URN of Placement"),
                Field("clap_cla_placement_distance", F, "Distance of Placement from Home"),
                Field("clap_cla_id", S, "CLA ID"),
                Field("clap_cla_placement_provider", S, "Placement Provider"),
                Field("clap_cla_placement_postcode", S, "Placement Postcode"),
                Field("clap_cla_placement_end_date", D, "Placement End Date"),
                Field("clap_cla_placement_change_reason", S, "Reason for Placement Change"),
                Field("clap_person_id", S, "Person Unique ID"),
            ),
        ),
        Table(
            "ssd_legal_status",
            key="lega_legal_status_id",
            description="Legal status",
            fields=(
                Field("lega_legal_status_id", S, "Legal Status ID"),
                Field("lega_person_id", S, "Person Unique ID"),
                Field("lega_legal_status", S, "Legal Status"),
                Field("lega_legal_status_start_date", D, "Legal Status Start Date"),
                Field("lega_legal_status_end_date", D, "Legal Status End Date"),
            ),
        ),
        Table(
            "ssd_cla_reviews",
            key="clar_cla_review_id",
            description="Cla reviews",
            fields=(
                Field("clar_cla_review_id", S, "Review ID"),
                Field("clar_cla_id", S, "CLA ID"),
                Field("clar_cla_review_due_date", D, "CLA Review Due Date"),
                Field("clar_cla_review_date", D, "CLA Review Date"),
                Field("clar_cla_review_cancelled", S, ""),
                Field("clar_cla_review_participation", S, "Participation code"),
            ),
        ),
        Table(
            "ssd_cla_visits",
            key="clav_cla_visit_id",
            description="Cla visits",
            fields=(
                Field("clav_cla_visit_id", S, "Visit ID"),
                Field("clav_cla_id", S, ""),
                Field("clav_person_id", S, "Person ID"),
                Field("clav_cla_visit_date", D, "Date of Visit"),
                Field("clav_cla_visit_seen", S, "Child Seen"),
                Field("clav_cla_visit_seen_alone", S, "Child Seen Alone"),
            ),
        ),
        Table(
            "ssd_cla_health",
            key="clah_health_check_id",
            description="Cla health",
            fields=(
                Field("clah_health_check_id", S, "Health Check ID"),
                Field("clah_person_id", S, "Person Unique ID"),
                Field(
                    "clah_health_check_type", S, "Health surveillance checks/ Health Assessment/ Dental Check"
                ),
                Field("clah_health_check_date", D, "Date of Last Health Assessment"),
                Field("clah_health_check_status", S, ""),
            ),
        ),
        Table(
            "ssd_cla_immunisations",
            key=None,
            description="Cla immunisations",
            fields=(
                Field("clai_person_id", S, "Person Unique ID"),
                Field("clai_immunisations_status", S, "Immunisations up to Date"),
                Field("clai_immunisations_status_date", D, "Immunisations Last Updated Date"),
            ),
        ),
        Table(
            "ssd_sdq_scores",
            key="csdq_table_id",
            description="Strengths and Difficulties Questionnaire (SDQ) scores of children in care",
            fields=(
                Field("csdq_table_id", S, "SDQ ID"),
                Field("csdq_person_id", S, "Person Unique ID"),
                Field("csdq_sdq_completed_date", D, "SDQ Completed Date"),
                Field("csdq_sdq_reason", S, "SDQ Reason: SDQ1-SDQ5 when no score was returned"),
                Field("csdq_sdq_score", I, "SDQ Score (0-40)"),
            ),
        ),
        Table(
            "ssd_cla_convictions",
            key="clac_cla_conviction_id",
            description="Convictions of children in care",
            fields=(
                Field("clac_cla_conviction_id", S, "Conviction ID"),
                Field("clac_person_id", S, "Person Unique ID"),
                Field("clac_cla_conviction_date", D, "Date of Offence"),
                Field("clac_cla_conviction_offence", S, "Description"),
            ),
        ),
        Table(
            "ssd_cla_substance_misuse",
            key="clas_substance_misuse_id",
            description="Substance misuse of children in care",
            fields=(
                Field("clas_substance_misuse_id", S, "Substance Misuse ID"),
                Field("clas_person_id", S, "Person Unique ID"),
                Field("clas_substance_misuse_date", D, "Date of substance misuse"),
                Field("clas_substance_misused", S, "Substance misused"),
                Field(
                    "clas_intervention_received",
                    S,
                    "Child received intervention for substance misuse problem",
                ),
                Field(
                    "clas_intervention_offered",
                    S,
                    "Child was offered an intervention for the substance misuse problem (903 INTERVENTION_OFFERED)",
                    extension=True,
                ),
            ),
        ),
        Table(
            "ssd_permanence",
            key="perm_table_id",
            description="Permanence",
            fields=(
                Field("perm_table_id", S, "permanence_table_id"),
                Field("perm_person_id", S, "Person Unique ID"),
                Field("perm_cla_id", S, "CLA Table ID"),
                Field("perm_adm_decision_date", D, "Date of ADM Decision"),
                Field("perm_ffa_cp_decision_date", D, "Date of FFA/ CP Decision"),
                Field("perm_placement_order_date", D, "Date of Placement/ Freeing Order"),
                Field("perm_placed_for_adoption_date", D, "Date Placed for Adoption"),
                Field("perm_matched_date", D, "Date Matched to Prospective Adopters"),
                Field("perm_adopted_by_carer_flag", S, "Adopted by carer flag"),
                Field("perm_placed_ffa_cp_date", D, "Date Placed in FFA/ CP Placement"),
                Field(
                    "perm_decision_reversed_date",
                    D,
                    "Date of Decision that Child Should No Longer be Placed for Adoption",
                ),
                Field(
                    "perm_placed_foster_carer_date",
                    D,
                    "Date originally placed with foster carer(s) (if adopted by foster carer/s)",
                ),
                Field("perm_part_of_sibling_group", S, "Is the child a part of a sibling group?"),
                Field(
                    "perm_siblings_placed_together",
                    I,
                    "Number of children placed, or planned to be placed, for adoption together as sibling group",
                ),
                Field(
                    "perm_siblings_placed_apart",
                    I,
                    "Number of siblings placed, or planned to be placed, for adoption separately from the child",
                ),
                Field("perm_placement_provider_urn", S, "URN of the placement provider agency"),
                Field("perm_decision_reversed_reason", S, "Reason No Longer Placed for Adoption"),
                Field("perm_permanence_order_date", D, "Date of Order"),
                Field("perm_permanence_order_type", S, "Type of Order"),
                Field("perm_adoption_worker_id", S, "Adoption social worker"),
                Field("perm_adopter_sex", S, "Sex of Adopter"),
                Field("perm_adopter_legal_status", S, "Legal status of adopter"),
                Field("perm_number_of_adopters", S, "Number of adopters. As A(1)"),
            ),
        ),
        Table(
            "ssd_cla_previous_permanence",
            key="lapp_table_id",
            description="Cla previous permanence",
            fields=(
                Field("lapp_table_id", S, "Previous Permanence ID"),
                Field("lapp_person_id", S, "Person Unique ID"),
                Field("lapp_previous_permanence_order_date", S, "Date of Previous Permanence Order"),
                Field("lapp_previous_permanence_option", S, "Previous Permanence Option"),
                Field("lapp_previous_permanence_la", S, "Previous Permanence Arranged LA"),
            ),
        ),
        Table(
            "ssd_care_leavers",
            key="clea_table_id",
            description="Care leavers",
            fields=(
                Field("clea_table_id", S, "Care Leaver Table ID"),
                Field("clea_person_id", S, "Person Unique ID"),
                Field("clea_care_leaver_eligibility", S, "Eligibility Status/ Category"),
                Field("clea_care_leaver_in_touch", S, "In Touch Category"),
                Field("clea_care_leaver_latest_contact", D, "Latest Date of Contact"),
                Field("clea_care_leaver_accommodation", S, "Accommodation"),
                Field("clea_care_leaver_accom_suitable", S, "Suitability of Accommodation"),
                Field("clea_care_leaver_activity", S, "Activity Status"),
                Field("clea_pathway_plan_review_date", D, "Latest Pathway Plan Review Date"),
                Field("clea_care_leaver_personal_advisor", S, "Allocated Personal Advisor"),
                Field("clea_care_leaver_allocated_team", S, "Allocated Team"),
                Field("clea_care_leaver_worker_id", S, "Allocated Worker ID"),
                Field(
                    "clea_pathway_plan_date",
                    D,
                    "Date the current pathway plan was first agreed",
                    extension=True,
                ),
            ),
        ),
        Table(
            "ssd_missing",
            key="miss_table_id",
            description="Missing",
            fields=(
                Field("miss_table_id", S, "Missing Episode Table ID"),
                Field("miss_person_id", S, "Person Unique ID"),
                Field("miss_missing_episode_start_date", D, "Missing Episode Start"),
                Field("miss_missing_episode_type", S, "Episode Type (Missing/ Absent)"),
                Field("miss_missing_episode_end_date", D, "Missing Episode End"),
                Field("miss_missing_rhi_offered", S, "RHI Offered"),
                Field("miss_missing_rhi_accepted", S, "RHI Accepted"),
                Field("miss_rhi_date", D, "Date the return home interview took place", extension=True),
            ),
        ),
        Table(
            "ssd_pre_proceedings",
            key="prep_table_id",
            description="Pre proceedings",
            fields=(
                Field("prep_table_id", S, "Pre-proceedings table row ID"),
                Field("prep_person_id", S, "Person Unique ID"),
                Field("prep_plo_family_id", S, "PLO Family ID"),
                Field("prep_pre_pro_decision_date", D, "Date decision made to enter Pre Proceedings"),
                Field("prep_initial_pre_pro_meeting_date", D, "Date of Initial Pre Proceedings Meeting"),
                Field("prep_pre_pro_outcome", S, "What is the Outcome of Pre-Proceedings"),
                Field("prep_agree_stepdown_issue_date", D, "Date Agreed to Step down/issue"),
                Field(
                    "prep_cp_plans_referral_period",
                    I,
                    "How many times has the child been subject to a Child Protection Plan during this referral ",
                ),
                Field(
                    "prep_legal_gateway_outcome",
                    S,
                    "What was the outcome of legal gateway / panel / meeting after panel?",
                ),
                Field(
                    "prep_prev_pre_proc_child",
                    I,
                    "How many previous periods of pre-proceedings have there been in the child’s lifetime?",
                ),
                Field(
                    "prep_prev_care_proc_child",
                    I,
                    "How many previous periods of care proceedings have there been in the child’s lifetime?",
                ),
                Field(
                    "prep_pre_pro_letter_date",
                    D,
                    "What is the date that the pre-proceedings letter and plan was sent to parents?",
                ),
                Field(
                    "prep_care_pro_letter_date",
                    D,
                    "What is the date that the letter to issue care proceedings was sent to parents?",
                ),
                Field(
                    "prep_pre_pro_meetings_num",
                    I,
                    "How many review pre-proceeding meetings have been held with parents following the initial ",
                ),
                Field(
                    "prep_pre_pro_parents_legal_rep",
                    S,
                    "Did parents have legal representation during pre-proceedings?",
                ),
                Field(
                    "prep_parents_legal_rep_point_of_issue",
                    S,
                    "Did parents have legal representation at the point of issue?",
                ),
                Field(
                    "prep_court_reference", S, "If in Care Proceedings, what is the Court reference number?"
                ),
                Field(
                    "prep_care_proc_court_hearings",
                    I,
                    "How many Court hearings have taken place whilst in care proceedings?",
                ),
                Field(
                    "prep_care_proc_short_notice",
                    S,
                    "Were Care Proceedings issued on a short notice application?",
                ),
                Field(
                    "prep_proc_short_notice_reason",
                    S,
                    "What was the reason for any short notice applications?",
                ),
                Field(
                    "prep_la_inital_plan_approved",
                    S,
                    "Was the LA’s initial plan approved at the initial hearing?",
                ),
                Field(
                    "prep_la_initial_care_plan",
                    S,
                    "What was the LA’s initial care plan for the child at the initial hearing?",
                ),
                Field(
                    "prep_la_final_plan_approved", S, "Was the LA’s final plan approved at the final hearing?"
                ),
                Field(
                    "prep_la_final_care_plan",
                    S,
                    "What was the LA’s final care plan for the child at the final hearing?",
                ),
                Field(
                    "prep_care_proc_issue_date",
                    D,
                    "Date care proceedings were issued at court",
                    extension=True,
                ),
                Field(
                    "prep_care_proc_final_order_date",
                    D,
                    "Date of the final order concluding care proceedings",
                    extension=True,
                ),
            ),
        ),
        Table(
            "ssd_professionals",
            key="prof_professional_id",
            description="Professionals",
            fields=(
                Field("prof_professional_id", S, "Professionals table row ID"),
                Field("prof_staff_id", S, "Staff Identifier"),
                Field("prof_professional_name", S, "Staff name"),
                Field(
                    "prof_social_worker_registration_no",
                    S,
                    "Social worker ID - Social Work England (SWE) registration number- if available",
                ),
                Field("prof_professional_job_title", S, "Worker job title e.g. Social Worker"),
                Field("prof_professional_caseload", I, "Number of cases held on previous 30th Sept"),
                Field("prof_professional_department", S, "Worker Department e.g. 'Youth Support Team West'"),
                Field("prof_full_time_equivalency", F, "Full Time Equivalency"),
                Field("prof_agency_worker_flag", S, "Flag for whether the worker is agency"),
                Field(
                    "prof_team_id", S, "Team the professional belongs to now (dept_team_id)", extension=True
                ),
            ),
        ),
        Table(
            "ssd_involvements",
            key="invo_involvements_id",
            description="Involvements",
            fields=(
                Field("invo_involvements_id", S, "Involvements table row ID"),
                Field("invo_professional_id", S, "Worker ID"),
                Field("invo_professional_role_id", S, "Worker role e.g. Allocated Case Worker"),
                Field("invo_professional_team", S, "Worker Team"),
                Field("invo_involvement_start_date", D, "Social worker episode start date"),
                Field("invo_involvement_end_date", D, "Social worker episode end date"),
                Field("invo_worker_change_reason", S, "Reason for worker change"),
                Field("invo_person_id", S, "Person Unique ID"),
                Field("invo_referral_id", S, "Referral ID"),
            ),
        ),
        Table(
            "ssd_department",
            key="dept_team_id",
            description="Department",
            fields=(
                Field("dept_team_id", S, "Department or Team ID"),
                Field("dept_team_name", S, "Department or Team name"),
                Field("dept_team_parent_id", S, "Parent Department or Team ID"),
                Field("dept_team_parent_name", S, "Parent Department or Team name"),
            ),
        ),
        Table(
            "cb_management_oversight",
            key="mano_oversight_id",
            description="Management oversight recorded on a child's case (not in the SSD)",
            extension=True,
            fields=(
                Field("mano_oversight_id", S, "Row identifier", extension=True),
                Field("mano_person_id", S, "Child (pers_person_id)", extension=True),
                Field("mano_oversight_date", D, "Date the oversight was recorded", extension=True),
                Field("mano_manager_id", S, "Manager who recorded it (prof_professional_id)", extension=True),
                Field(
                    "mano_oversight_kind",
                    S,
                    "Kind: case direction, supervision discussion, allocation, closure",
                    extension=True,
                ),
                Field("mano_team_id", S, "Team of the case at the time (dept_team_id)", extension=True),
            ),
        ),
        Table(
            "cb_supervision",
            key="supe_supervision_id",
            description="Supervision sessions of workers (not in the SSD)",
            extension=True,
            fields=(
                Field("supe_supervision_id", S, "Row identifier", extension=True),
                Field("supe_professional_id", S, "Worker supervised (prof_professional_id)", extension=True),
                Field("supe_supervisor_id", S, "Supervisor (prof_professional_id)", extension=True),
                Field("supe_supervision_date", D, "Date of the session", extension=True),
            ),
        ),
        Table(
            "cb_cin_plan_reviews",
            key="cinr_review_id",
            description="Reviews of child in need plans (not in the SSD)",
            extension=True,
            fields=(
                Field("cinr_review_id", S, "Row identifier", extension=True),
                Field("cinr_person_id", S, "Child (pers_person_id)", extension=True),
                Field("cinr_cin_plan_id", S, "Plan reviewed (cinp_cin_plan_id)", extension=True),
                Field("cinr_review_date", D, "Date of the review", extension=True),
            ),
        ),
        Table(
            "cb_pep",
            key="pepe_pep_id",
            description="Personal education plans of children in care (not in the SSD)",
            extension=True,
            fields=(
                Field("pepe_pep_id", S, "Row identifier", extension=True),
                Field("pepe_person_id", S, "Child (pers_person_id)", extension=True),
                Field("pepe_pep_date", D, "Date the PEP was completed or reviewed", extension=True),
                Field("pepe_pep_status", S, "Status: initial or review", extension=True),
            ),
        ),
        Table(
            "cb_iro_notice",
            key="iron_notice_id",
            description="Notices sent to the Independent Reviewing Officer when a child moves placement (not in the SSD)",
            extension=True,
            fields=(
                Field("iron_notice_id", S, "Row identifier", extension=True),
                Field("iron_person_id", S, "Child (pers_person_id)", extension=True),
                Field(
                    "iron_cla_placement_id",
                    S,
                    "Placement the child moved to (clap_cla_placement_id)",
                    extension=True,
                ),
                Field("iron_sent_date", D, "Date the notice was sent", extension=True),
                Field("iron_iro_id", S, "IRO notified (prof_professional_id)", extension=True),
            ),
        ),
        Table(
            "cb_staff",
            key="staf_record_id",
            description="Staff records of the workforce, one row per period in a post; aligned with the DfE children's social work workforce census (not in the SSD)",
            extension=True,
            fields=(
                Field("staf_record_id", S, "Row identifier", extension=True),
                Field(
                    "staf_staff_id",
                    S,
                    "Staff member (prof_staff_id); the same person across records",
                    extension=True,
                ),
                Field(
                    "staf_professional_id",
                    S,
                    "Professional id used on case records (prof_professional_id)",
                    extension=True,
                ),
                Field("staf_team_id", S, "Team (dept_team_id)", extension=True),
                Field("staf_post_id", S, "Funded post held, if any", extension=True),
                Field(
                    "staf_role",
                    S,
                    "Census role: 1 senior manager, 2 middle manager, 3 first line manager, 4 senior practitioner, 5 case holder, 6 qualified without cases",
                    extension=True,
                ),
                Field("staf_agency", S, "Y agency worker, N directly employed", extension=True),
                Field("staf_fte", F, "Full-time equivalent (0-1)", extension=True),
                Field("staf_case_holder", S, "Y if the worker holds cases", extension=True),
                Field("staf_start_date", D, "Start date in this record", extension=True),
                Field("staf_leaving_date", D, "Leaving date of this record", extension=True),
                Field(
                    "staf_leaving_reason",
                    S,
                    "Census reason for leaving (RES1..RES8) or CONV converted to permanent, MOVE moved post",
                    extension=True,
                ),
                Field(
                    "staf_la_start_date",
                    D,
                    "Date the person first joined the council (length of service)",
                    extension=True,
                ),
                Field("staf_sex", S, "Sex (census code)", extension=True),
                Field("staf_dob", D, "Date of birth", extension=True),
                Field("staf_ethnicity", S, "Ethnicity (census code)", extension=True),
                Field("staf_qualification_date", D, "Date of social work qualification", extension=True),
                Field("staf_swe_registration", S, "Social Work England registration number", extension=True),
            ),
        ),
        Table(
            "cb_establishment",
            key="estb_row_id",
            description="Funded posts (establishment) per team over time (not in the SSD)",
            extension=True,
            fields=(
                Field("estb_row_id", S, "Row identifier", extension=True),
                Field("estb_post_id", S, "Post", extension=True),
                Field("estb_team_id", S, "Team (dept_team_id)", extension=True),
                Field("estb_role", S, "Census role code of the post", extension=True),
                Field("estb_fte", F, "Funded FTE", extension=True),
                Field("estb_start_date", D, "Date the post was funded from", extension=True),
                Field("estb_end_date", D, "Date the post stopped being funded", extension=True),
            ),
        ),
        Table(
            "cb_population",
            key="popu_row_id",
            description="Child population (aged 0-17) of the council by year, the denominator for rates per 10,000 (not in the SSD)",
            extension=True,
            fields=(
                Field("popu_row_id", S, "Row identifier", extension=True),
                Field("popu_year", I, "Year of the mid-year estimate", extension=True),
                Field("popu_count", I, "Children aged 0-17", extension=True),
                Field("popu_la_code", S, "Council's ONS code (e.g. E09000027)", extension=True),
                Field("popu_la_name", S, "Council name", extension=True),
                Field(
                    "popu_la_number",
                    S,
                    "Council's three-digit DfE LA number (e.g. 318), used by the DfE returns",
                    extension=True,
                ),
            ),
        ),
    )
}


def table(name: str) -> Table:
    """The table called ``name``; raises ``KeyError`` with the known names if there is none."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; known tables: {', '.join(TABLES)}") from None
