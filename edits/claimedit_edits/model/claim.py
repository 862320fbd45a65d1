"""Typed 837P claims: what the reader produces and what edits consume.

Fields that identify a patient or subscriber (names, dates of birth, member ids, addresses) are
declared with :data:`PHI`. They are excluded from ``repr`` and from :func:`safe_dump`, which is what
logs and events use. The claim holds no X12 transport state (raw segments, delimiters): the plugin's
reader keeps those beside it (``claimedit.x12.parsed``), so nothing built from a claim holds raw segments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

__all__ = [
    "PHI",
    "Claim",
    "ClaimLocation",
    "Diagnosis",
    "Envelope",
    "Payer",
    "Person",
    "Provider",
    "ServiceLine",
    "phi_field_names",
    "safe_dump",
]

PHI_MARK: dict[str, JsonValue] = {"phi": True}
PHI = Field(default=None, repr=False, json_schema_extra=PHI_MARK)
"""Field marker for protected health information: hidden from repr, logs and events."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Envelope(_Frozen):
    """Control numbers and parties of the ISA/GS/ST envelope around a claim."""

    isa_control: str
    isa_sender_qualifier: str = ""
    isa_sender_id: str = ""
    isa_receiver_qualifier: str = ""
    isa_receiver_id: str = ""
    isa_date: str = ""
    isa_time: str = ""
    isa_version: str = ""
    usage_indicator: str = ""
    gs_control: str = ""
    gs_functional_id: str = ""
    gs_sender: str = ""
    gs_receiver: str = ""
    gs_version_as_sent: str = ""
    gs_version: str = ""
    """GS08 as read: X222A2 errata strings are read as 005010X222A1."""
    st_control: str = ""
    st_version_as_sent: str = ""
    bht_reference: str = ""
    bht_date: str = ""
    bht_time: str = ""
    submitter_name: str = ""
    submitter_id: str = ""
    receiver_name: str = ""
    receiver_id: str = ""


class ClaimLocation(_Frozen):
    """Where a claim sits in its input: enough to name it in any finding or event."""

    source: str = ""
    interchange_control: str = ""
    group_control: str = ""
    transaction_control: str = ""
    clm_segment_index: int = Field(description="1-based position of the CLM segment in the transaction (ST = 1)")
    loop_ranges: tuple[tuple[int, int], ...] = ()
    """Positions (start inclusive, end exclusive) of the own segments of the HL loops above the claim."""


class Provider(_Frozen):
    """A provider loop (billing 2010AA, rendering 2310B/2420A, referring ...). Not PHI."""

    entity_type: str = ""
    """NM102: 1 person, 2 non-person entity."""
    last_or_organization_name: str = ""
    first_name: str = ""
    npi: str = ""
    taxonomy: str = ""
    tax_id: str = ""
    tax_id_qualifier: str = ""


class Person(_Frozen):
    """Subscriber (2010BA) or patient (2010CA): every identifying field is PHI."""

    entity_type: str = ""
    last_name: str | None = PHI
    first_name: str | None = PHI
    middle_name: str | None = PHI
    member_id: str | None = PHI
    date_of_birth: str | None = PHI
    gender: str | None = None
    address_line1: str | None = PHI
    address_line2: str | None = PHI
    city: str | None = PHI
    state: str | None = PHI
    postal_code: str | None = PHI
    relationship_code: str = ""
    """SBR02 for the subscriber (18 = self) or PAT01 for a patient."""


class Payer(_Frozen):
    """The destination payer (2010BB) with the subscriber's SBR filing data."""

    name: str = ""
    payer_id: str = ""
    payer_id_qualifier: str = ""
    responsibility: str = ""
    """SBR01: P primary, S secondary, T tertiary ..."""
    filing_indicator: str = ""
    """SBR09 claim filing indicator code: MB Medicare Part B, MC Medicaid, CI commercial ..."""


class Diagnosis(_Frozen):
    """One HI composite of the claim, in its order (pointer 1 is the principal)."""

    position: int
    qualifier: str
    """ABK principal, ABF other (BK/BF are ICD-9 and unsupported in 5010 837P)."""
    code: str
    """As sent, without a decimal point (C44612)."""

    @property
    def dotted(self) -> str:
        """The code with its decimal point after the third character (C44.612)."""
        return self.code if len(self.code) <= 3 else f"{self.code[:3]}.{self.code[3:]}"


class ServiceLine(_Frozen):
    """A 2400 loop: one SV1 professional service line."""

    number: int
    """LX01, the line number every finding names."""
    segment_index: int = 0
    """1-based index of the SV1 segment in the transaction."""
    procedure_qualifier: str = "HC"
    procedure_code: str
    modifiers: tuple[str, ...] = ()
    charge: Decimal = Decimal(0)
    unit_basis: str = "UN"
    units: Decimal = Decimal(1)
    place_of_service: str = ""
    """SV105; empty means the claim's place of service applies."""
    diagnosis_pointers: tuple[int, ...] = ()
    diagnosis_codes: tuple[str, ...] = ()
    """The codes the pointers resolve to, in pointer order; a pointer outside the HI list is left out."""
    date_of_service: dt.date | None = None
    date_of_service_end: dt.date | None = None
    notes: tuple[str, ...] = ()
    """NTE*ADD line notes (where practices put lesion sizes)."""
    control_number: str = ""
    """REF*6R line item control number."""
    rendering_provider: Provider | None = None
    prior_authorization: str = ""
    """2400 REF*G1: the line's prior authorization number."""


class Claim(_Frozen):
    """One 2300 claim with everything an edit may need from the loops above it."""

    claim_id: str
    """CLM01, the patient control number: the only identifier that leaves the plugin in plain text."""
    total_charge: Decimal = Decimal(0)
    place_of_service: str = ""
    facility_code_qualifier: str = ""
    frequency_code: str = ""
    provider_signature: str = ""
    assignment: str = ""
    benefits_assignment: str = ""
    release_of_information: str = ""
    date_of_service: dt.date | None = None
    """Claim-level DTP*472, used by lines that have none."""
    notes: tuple[str, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    billing_provider: Provider = Provider()
    rendering_provider: Provider | None = None
    payer: Payer = Payer()
    subscriber: Person = Person()
    patient: Person | None = None
    """None when the subscriber is the patient (no 2000C loop)."""
    service_lines: tuple[ServiceLine, ...] = ()
    referring_provider: Provider | None = None
    """2310A NM1*DN (or P3 primary care provider)."""
    service_facility: Provider | None = None
    """2310C NM1*77 service facility location."""
    payer_claim_control_number: str = ""
    """2300 REF*F8: the payer's control number of the claim a replacement (7) or void (8) refers to."""
    prior_authorization: str = ""
    """2300 REF*G1: prior authorization number."""
    received_date: dt.date | None = None
    """2300 DTP*050: the date the claim was received (sent by a clearinghouse or a payer's intake)."""
    envelope: Envelope
    location: ClaimLocation

    def line(self, number: int) -> ServiceLine | None:
        """The service line with LX number ``number``."""
        for service_line in self.service_lines:
            if service_line.number == number:
                return service_line
        return None

    def line_date(self, line: ServiceLine) -> dt.date | None:
        """A line's date of service, falling back to the claim's."""
        return line.date_of_service or self.date_of_service


def phi_field_names(model: type[BaseModel]) -> frozenset[str]:
    """Names of the fields of ``model`` marked as PHI."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("phi") is True
    )


def _strip_phi(model: BaseModel) -> dict[str, Any]:
    hidden = phi_field_names(type(model))
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        if name in hidden:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out[name] = _strip_phi(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            out[name] = [_strip_phi(item) for item in value]
        else:
            out[name] = value
    return out


def safe_dump(model: BaseModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A JSON-ready dict of ``model`` with every PHI field (and the fields named in ``exclude``) left out."""
    data = _strip_phi(model)
    for name in exclude:
        data.pop(name, None)
    wrapped: dict[str, Any] = _JsonReady.model_validate({"value": data}).model_dump(mode="json")["value"]
    return wrapped


class _JsonReady(BaseModel):
    value: dict[str, Any]
