"""Request and response bodies of the API.

Money goes out as pounds strings with two decimals ("1234.56"), never as floats; dates and
times as ISO 8601; financial years as "2024-25".

Request bodies are deliberately permissive: every field a service reads arrives under the
same name and is handed over as sent, so the service validates it (and reports every problem
at once, naming the field) exactly as it does for the web and the CLI.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

# -- permissive input types ------------------------------------------------------------------

Pounds = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "number"}],
            "description": 'Pounds, like "1234.56" or "1,234.56" (a JSON number is read exactly)',
            "examples": ["1234.56"],
        }
    ),
]
YesNo = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "boolean"}, {"type": "string"}],
            "description": "true/false, or yes/no, mandated/additional",
        }
    ),
]
Codes = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
            "description": "Organisation codes: a list, or one text separated by commas or spaces",
            "examples": [["E08000035", "QWO"]],
        }
    ),
]
Lines = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
            "description": "A list of texts, or one text with one item per line",
        }
    ),
]
RiskShare = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": "object", "additionalProperties": True}},
                {"type": "string"},
            ],
            "description": (
                "Risk-share provisions: a list of objects such as "
                '{"kind": "proportional", "applies_to": "both", "basis": "contributions"}, '
                "or the same list as JSON text"
            ),
        }
    ),
]
Day = Annotated[
    str | None,
    Field(description="A date, like 2024-04-01", examples=["2024-04-01"]),
]
Year = Annotated[
    str | None,
    Field(description="A financial year, like 2024-25", examples=["2024-25"]),
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def given(self) -> dict[str, Any]:
        """Only the fields the client sent, as the service expects them."""
        return self.model_dump(exclude_unset=True)


# -- errors ----------------------------------------------------------------------------------


class ErrorOut(BaseModel):
    detail: str = Field(examples=["Not found"])


class FieldErrorOut(BaseModel):
    field: str = Field(examples=["amount"])
    message: str = Field(examples=["cannot be negative"])


class ValidationErrorOut(BaseModel):
    detail: str = Field(examples=["amount: cannot be negative"])
    errors: list[FieldErrorOut]


class ConflictOut(ValidationErrorOut):
    current_version: int = Field(
        description="The version the record has now; read it again, then send If-Match with it"
    )


class BusyOut(ValidationErrorOut):
    """The database was busy with other writes; nothing was saved. Retry after Retry-After."""


# -- organisations, areas, rules -------------------------------------------------------------


class OrganisationRef(BaseModel):
    code: str = Field(examples=["E08000035"])
    name: str = Field(examples=["Leeds City Council"])
    org_type: str = Field(examples=["council"])


class OrganisationOut(OrganisationRef):
    code_system: str = Field(examples=["gss"])
    org_type_label: str = Field(examples=["Upper-tier or unitary council"])
    version: int = Field(description="Goes up with every change; also the ETag")


class AreaRef(BaseModel):
    code: str = Field(examples=["E08000035"])
    name: str = Field(examples=["Leeds"])


class AreaOut(AreaRef):
    kind: str = Field(examples=["hwb"])
    region_code: str
    region_name: str
    country_code: str
    country_name: str
    source: str = Field(description="The file the area was loaded from")


class AgreementSummary(BaseModel):
    id: int
    title: str
    area: AreaRef
    programme: str = Field(examples=["bcf"], description="Whose rules the money follows")
    programme_label: str = Field(examples=["Better Care Fund"])
    arrangement_type: str = Field(examples=["pooled_fund"])
    arrangement_type_label: str = Field(examples=["Pooled fund"])
    host: OrganisationRef
    start_date: date
    end_date: date
    break_clause_date: date | None


class OrganisationDetail(OrganisationOut):
    agreements: list[AgreementSummary] = Field(
        description="Agreements this organisation is a partner in that you may see"
    )


class OrganisationIn(_Input):
    code: str | None = Field(None, description="Official code (ODS, GSS, charity or local)")
    code_system: str | None = Field(None, description="ods, gss, charity or local")
    name: str | None = None
    org_type: str | None = Field(
        None,
        description="nhs_commissioner, nhs_trust, council, district_council, voluntary, "
        "police, housing or other",
    )


class MeOut(BaseModel):
    username: str
    display_name: str
    email: str
    organisation: OrganisationOut
    roles: list[str] = Field(examples=[["finance_officer"]])


class TraceInputOut(BaseModel):
    name: str = Field(examples=["persons aged 65"])
    value: str = Field(examples=["5,120"])
    source: str = Field(examples=["ONS mid-2024 estimate, E08000035"])


class TraceOut(BaseModel):
    rule: str = Field(description="What is computed and how, in words")
    inputs: list[TraceInputOut]
    steps: list[str] = Field(description="The arithmetic, one line per step")
    result: str
    sentence: str = Field(description="Rule, steps and result on one line")


class PopulationOut(BaseModel):
    area: AreaRef
    year: str = Field(examples=["2024-25"])
    estimate_year: int = Field(description="Mid-year of the ONS estimate used", examples=[2024])
    min_age: int
    max_age: int | None = Field(description="None: and over")
    age_label: str = Field(examples=["aged 65+"])
    persons: int
    note: str = Field(description="Which estimate was used and why")
    trace: TraceOut = Field(description="How the figure was computed, from which counts")


class FundingStreamOut(BaseModel):
    code: str = Field(examples=["nhs_minimum"])
    name: str
    nature: str = Field(examples=["mandated"], description="mandated, additional or either")
    contributors: list[str] = Field(description="Organisation types that may contribute")


class FundingStreamsOut(BaseModel):
    year: str = Field(examples=["2024-25"])
    programme: str
    provisional: bool = Field(
        description="No rules are published for this year yet; the latest year's stand in"
    )
    published_year: str = Field(examples=["2025-26"], description="Whose rules these are")
    note: str = Field(description="What to say beside figures that rely on provisional rules")
    source: str
    funding_streams: list[FundingStreamOut]


# -- agreements ------------------------------------------------------------------------------


class ApprovalOut(BaseModel):
    organisation: OrganisationRef
    approved_by: str
    approved_at: datetime
    version: int = Field(description="The version of the agreement this approval is of")
    content_hash: str = Field(
        description="SHA-256 of the content approved (docs/adr/0017-one-sign-off-mechanism.md)"
    )


class CompletenessItemOut(BaseModel):
    key: str = Field(examples=["risk_share"])
    label: str
    why: str
    status: str = Field(examples=["missing"], description="present, missing or not_applicable")
    detail: str = Field(
        examples=["2026-27: none recorded"],
        description="What exactly is missing, for items with parts (each year of the term)",
    )


class MissingItemOut(BaseModel):
    key: str
    label: str


class CompletenessOut(BaseModel):
    complete: bool
    missing: list[MissingItemOut] = Field(description="The items with status missing")
    items: list[CompletenessItemOut]


class PartnerOut(OrganisationRef):
    status: str = Field(
        examples=["accepted"],
        description="accepted, or invited: it sees nothing of the agreement until it accepts",
    )


class InvitationOut(BaseModel):
    agreement_id: int
    title: str
    area: AreaRef
    host: OrganisationRef
    organisation: OrganisationRef = Field(description="The organisation invited (yours)")
    invited_by: str | None
    invited_by_organisation: OrganisationRef | None
    invited_at: datetime | None


class AgreementDetail(AgreementSummary):
    partners: list[PartnerOut]
    auditors: list[OrganisationRef]
    governing_board: str
    aims: str
    outcomes: list[str]
    functions_covered: str
    services_in_scope: str
    staff_goods_accommodation: str
    charges_to_people: str
    reporting_frequency: str | None
    risk_share: list[dict[str, Any]]
    overspend_protocol: str
    overspend_threshold: str | None = Field(
        description="Pounds: monitoring flags the pool when the forecast overspend is more"
    )
    overspend_threshold_percent: str | None = Field(
        description="Percent of the budget: monitoring flags the pool above it"
    )
    exit_terms: str
    audit_arrangements: str
    variation_procedure: str
    review_arrangements: str
    approvals: list[ApprovalOut]
    completeness: CompletenessOut
    contribution_years: list[str] = Field(examples=[["2024-25"]])
    warnings: list[str] = Field(
        description="Worth a second look, not errors: e.g. a council partner from another area"
    )
    version: int = Field(
        description="Goes up with every change to the agreement or its money; also the ETag"
    )
    content_hash: str = Field(
        description="SHA-256 of what the partners approve (terms, partners, risk share, "
        "contributions and variations) at this version; approvals name it"
    )
    created_at: datetime
    updated_at: datetime


class AgreementIn(_Input):
    """An agreement's terms. On PATCH, fields left out keep their values."""

    title: str | None = None
    area: str | None = Field(None, description="Area code, like E08000035")
    programme: str | None = Field(
        None,
        description="Whose rules the money follows: bcf (the default), section_75, wales or "
        "scotland",
    )
    arrangement_type: str | None = Field(
        None,
        description="grant_transfer, cross_charging, aligned_budgets, lead_commissioning, "
        "pooled_fund, integrated_without_pool, integrated_with_pool or structural_integration",
    )
    partners: Codes = None
    host: str | None = Field(None, description="Code of the host partner")
    auditors: Codes = None
    start_date: Day = None
    end_date: Day = None
    break_clause_date: Day = None
    outcomes: Lines = None
    reporting_frequency: str | None = Field(None, description="monthly, six_weekly or quarterly")
    risk_share: RiskShare = None
    governing_board: str | None = None
    aims: str | None = None
    functions_covered: str | None = None
    services_in_scope: str | None = None
    staff_goods_accommodation: str | None = None
    charges_to_people: str | None = None
    overspend_protocol: str | None = None
    overspend_threshold: str | None = Field(
        None, description="Pounds, like 250000.00; monitoring flags the pool above it"
    )
    overspend_threshold_percent: str | None = Field(
        None, description="Percent of the year's budget, like 2.5; monitoring flags above it"
    )
    exit_terms: str | None = None
    audit_arrangements: str | None = None
    variation_procedure: str | None = None
    review_arrangements: str | None = None


class AgreementPatch(AgreementIn):
    """Terms to change; fields left out keep their values."""

    confirm_area_change: bool | None = Field(
        None,
        description="true to move the agreement to another area (a change of area is refused "
        "without it, because it changes whose plan and pooled fund the agreement is)",
    )


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    organisation: str = Field(description="The actor's organisation at the time")
    interface: str = Field(examples=["api"])
    action: str = Field(examples=["update"])
    object_type: str = Field(examples=["agreement"])
    object_id: str
    object: str = Field(description="The object as it was named at the time")
    summary: str
    changes: dict[str, list[Any]] = Field(description="field -> [before, after]")


# -- contributions ---------------------------------------------------------------------------


class ContributionOut(BaseModel):
    id: int
    agreement_id: int
    year: str = Field(examples=["2024-25"])
    partner: OrganisationRef
    funding_stream: str = Field(examples=["nhs_minimum"])
    mandated: bool
    original_amount: str = Field(examples=["60000000.00"])
    amount: str = Field(description="The amount after every variation", examples=["60500000.00"])
    frequency: str = Field(examples=["quarterly"])
    version: int = Field(description="Goes up with every change or variation; also the ETag")


class VariationOut(BaseModel):
    id: int
    effective_date: date
    change: str = Field(examples=["-1500.00"])
    reason: str
    created_at: datetime
    created_by: str | None


class InstalmentOut(BaseModel):
    due_date: date
    amount: str
    is_adjustment: bool


class ContributionDetail(ContributionOut):
    variations: list[VariationOut]
    schedule: list[InstalmentOut] = Field(description="Instalments; they sum to the amount")


class VariationCreated(VariationOut):
    contribution: ContributionDetail


class TotalsOut(BaseModel):
    by_partner: dict[str, str] = Field(examples=[{"QWO": "60000000.00"}])
    by_stream: dict[str, str] = Field(examples=[{"nhs_minimum": "60000000.00"}])
    mandated: str
    additional: str
    overall: str


class YearTotalsOut(BaseModel):
    year: str
    totals: TotalsOut
    rules_provisional: bool = Field(
        description="The year's rules are not published yet; the latest year's stand in"
    )
    rules_note: str = Field(description="What to say beside these figures when provisional")


class ContributionListOut(BaseModel):
    year: str | None = Field(description="The year asked for, if any")
    contributions: list[ContributionOut]
    totals: TotalsOut | None = Field(
        description="Totals for the year asked for; null when no year was given"
    )
    years: list[YearTotalsOut] = Field(description="Totals for each year listed")


class ContributionIn(_Input):
    year: Year = None
    partner: str | None = Field(None, description="Code of the contributing partner")
    funding_stream: str | None = Field(None, description="A funding stream code of the year")
    mandated: YesNo = None
    amount: Pounds = None
    frequency: str | None = Field(
        None, description="annual, half_yearly, quarterly (the default) or monthly"
    )


class ContributionPatch(BaseModel):
    """Only the instalment frequency can change; amounts change through variations."""

    # Other fields reach the service, which says why they cannot be edited.
    model_config = ConfigDict(extra="allow")

    frequency: str | None = Field(None, description="annual, half_yearly, quarterly or monthly")

    def given(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class VariationIn(_Input):
    """Give ``change`` (plus or minus pounds) or ``new_amount``, not both."""

    effective_date: Day = None
    change: Pounds = None
    new_amount: Pounds = None
    reason: str | None = None
