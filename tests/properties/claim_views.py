"""The same plain view of a claim from what was written (the spec) and from what was read (the model).

Comparing views gives one readable diff covering every field the writer controls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from claimedit_edits.model import Claim

from .x12_writer import (
    BillingSpec,
    ClaimSpec,
    GroupSpec,
    InputSpec,
    InterchangeSpec,
    SubscriberSpec,
    TransactionSpec,
    transaction_segments,
)

__all__ = ["View", "expected_views", "read_view"]

View = dict[str, Any]


@dataclass(frozen=True)
class _Placed:
    """A written claim with everything around it and its segment positions in the transaction."""

    interchange: InterchangeSpec
    group: GroupSpec
    tx: TransactionSpec
    billing: BillingSpec
    subscriber: SubscriberSpec
    claim: ClaimSpec
    clm_position: int
    sv1_positions: tuple[int, ...]


def expected_views(spec: InputSpec) -> list[View]:
    """One view per claim written, in input order."""
    return [_expected(placed) for placed in _placed_claims(spec)]


def _placed_claims(spec: InputSpec) -> Iterator[_Placed]:
    for interchange in spec.interchanges:
        for group in interchange.groups:
            for tx in group.transactions:
                positions = iter(_positions(tx, interchange))
                for billing in tx.billing_providers:
                    for subscriber in billing.subscribers:
                        for claim in subscriber.claims:
                            clm, sv1s = next(positions)
                            yield _Placed(interchange, group, tx, billing, subscriber, claim, clm, sv1s)


def _positions(tx: TransactionSpec, interchange: InterchangeSpec) -> list[tuple[int, tuple[int, ...]]]:
    """(CLM position, SV1 positions) of each claim in the transaction, counting from ST = 1."""
    found: list[tuple[int, list[int]]] = []
    for position, segment in enumerate(transaction_segments(tx, interchange.delimiters), start=1):
        if segment[0] == "CLM":
            found.append((position, []))
        elif segment[0] == "SV1":
            found[-1][1].append(position)
    return [(clm, tuple(sv1s)) for clm, sv1s in found]


def _expected(placed: _Placed) -> View:
    interchange, group, tx, billing = placed.interchange, placed.group, placed.tx, placed.billing
    subscriber, claim = placed.subscriber, placed.claim
    return {
        "claim_id": claim.claim_id,
        "total_charge": claim.total_charge,
        "place_of_service": claim.place_of_service,
        "facility_code_qualifier": "B",
        "frequency_code": claim.frequency_code,
        "notes": () if claim.note is None else (claim.note,),
        "diagnoses": tuple(
            (position, "ABK" if position == 1 else "ABF", code)
            for position, code in enumerate(claim.diagnoses, start=1)
        ),
        "billing_npi": billing.npi,
        "rendering_npi": claim.rendering_npi,
        "payer": (subscriber.payer_name, "PI", subscriber.payer_id, "P", subscriber.filing_indicator),
        "subscriber_relationship": "" if subscriber.patient_relationship else "18",
        "patient_relationship": subscriber.patient_relationship,
        "envelope": (interchange.control, interchange.sender_id, interchange.receiver_id, group.control, tx.control),
        "location": (interchange.control, group.control, tx.control, placed.clm_position),
        "lines": tuple(
            {
                "number": number,
                "procedure": ("HC", line.procedure_code, line.modifiers),
                "charge": line.charge,
                "unit_basis": "UN",
                "units": Decimal(line.units),
                "place_of_service": line.place_of_service,
                "pointers": line.pointers,
                "diagnosis_codes": tuple(claim.diagnoses[pointer - 1] for pointer in line.pointers),
                "dates": (line.date_of_service, None),
                "notes": () if line.note is None else (line.note,),
                "control_number": line.control_number or "",
                "segment_index": sv1_position,
            }
            for number, (line, sv1_position) in enumerate(zip(claim.lines, placed.sv1_positions, strict=True), start=1)
        ),
    }


def read_view(claim: Claim) -> View:
    """The view of a claim as the reader produced it."""
    envelope, location = claim.envelope, claim.location
    return {
        "claim_id": claim.claim_id,
        "total_charge": claim.total_charge,
        "place_of_service": claim.place_of_service,
        "facility_code_qualifier": claim.facility_code_qualifier,
        "frequency_code": claim.frequency_code,
        "notes": claim.notes,
        "diagnoses": tuple((d.position, d.qualifier, d.code) for d in claim.diagnoses),
        "billing_npi": claim.billing_provider.npi,
        "rendering_npi": claim.rendering_provider.npi if claim.rendering_provider else None,
        "payer": (
            claim.payer.name,
            claim.payer.payer_id_qualifier,
            claim.payer.payer_id,
            claim.payer.responsibility,
            claim.payer.filing_indicator,
        ),
        "subscriber_relationship": claim.subscriber.relationship_code,
        "patient_relationship": claim.patient.relationship_code if claim.patient else None,
        "envelope": (
            envelope.isa_control,
            envelope.isa_sender_id,
            envelope.isa_receiver_id,
            envelope.gs_control,
            envelope.st_control,
        ),
        "location": (
            location.interchange_control,
            location.group_control,
            location.transaction_control,
            location.clm_segment_index,
        ),
        "lines": tuple(
            {
                "number": line.number,
                "procedure": (line.procedure_qualifier, line.procedure_code, line.modifiers),
                "charge": line.charge,
                "unit_basis": line.unit_basis,
                "units": line.units,
                "place_of_service": line.place_of_service,
                "pointers": line.diagnosis_pointers,
                "diagnosis_codes": line.diagnosis_codes,
                "dates": (line.date_of_service, line.date_of_service_end),
                "notes": line.notes,
                "control_number": line.control_number,
                "segment_index": line.segment_index,
            }
            for line in claim.service_lines
        ),
    }
