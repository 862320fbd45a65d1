"""The replay contract: one JSON object per claim, per unreadable interchange or transaction, and per scope
whose findings are stated once (more of them than each claim carries).

Every row carries the interchange, group and transaction control numbers (ISA13, GS06, ST02) where the
input got that far. docs/schemas/replay/ holds the JSON Schema of each row (``ROW_SCHEMAS``).

Both replays (files and ``--broker``) print exactly these objects, and golden files hold them. No
patient data appears here beyond the claim id.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from claimedit.results import ClaimResult, InputResult, SharedFindings, UnreadableResult
from claimedit_edits.model import Claim, Finding

__all__ = [
    "ROW_SCHEMAS",
    "ClaimRow",
    "PayerRow",
    "SharedRow",
    "UnreadableRow",
    "claim_line",
    "finding_object",
    "payer_object",
    "render_row_schemas",
    "result_lines",
    "shared_line",
    "unreadable_line",
]


class PayerRow(BaseModel):
    """The claim's destination payer: an organisation, not patient data."""

    model_config = ConfigDict(extra="forbid", title="claimedit replay: payer")

    name: str = Field(description="2010BB NM103, the payer's name")
    payer_id: str = Field(description="2010BB NM109, the payer identifier")
    filing_indicator: str = Field(description="SBR09, the claim filing indicator code (MB Medicare Part B ...)")


class ClaimRow(BaseModel):
    """One claim read from the input, with its verdict and findings."""

    model_config = ConfigDict(extra="forbid", title="claimedit replay: claim row")

    source: str = Field(description="the file (or message) the claim was read from")
    claim_id: str = Field(description="CLM01, the patient control number: the only identifier a row carries")
    verdict: Literal["accepted", "accepted_with_warnings", "rejected"]
    interchange_control: str | None = Field(description="ISA13 of the claim's interchange")
    group_control: str | None = Field(description="GS06 of the claim's functional group")
    transaction_control: str | None = Field(description="ST02 of the claim's transaction")
    payer: PayerRow
    findings: list[Finding]


class UnreadableRow(BaseModel):
    """An interchange or transaction no claim could be read from, with the CLM segments counted inside it."""

    model_config = ConfigDict(extra="forbid", title="claimedit replay: unreadable row")

    source: str = Field(description="the file (or message) the piece was read from")
    claim_id: None = Field(description="always null: no claim was read")
    verdict: Literal["unreadable"]
    claims_inside: int = Field(ge=0, description="CLM segments counted in the piece (0 when it holds none)")
    interchange_control: str | None = Field(description="ISA13, or null when the input did not get that far")
    group_control: str | None = Field(description="GS06, or null for a whole interchange or non-X12 text")
    transaction_control: str | None = Field(description="ST02, or null for a whole interchange or group")
    findings: list[Finding]


class SharedRow(BaseModel):
    """The findings of one interchange, group, transaction or HL loop, stated once for the claims that point to it.

    A claim carries the first findings of each kind of every scope above it and, when there are more, a
    SYN011 finding pointing here.
    """

    model_config = ConfigDict(extra="forbid", title="claimedit replay: shared findings row")

    source: str = Field(description="the file (or message) the scope was read from")
    claim_id: None = Field(description="always null: the row belongs to no single claim")
    verdict: Literal["shared"]
    scope: Literal["interchange", "group", "transaction", "loop"]
    claims_referencing: int = Field(ge=1, description="claims whose SYN011 finding points to this row")
    interchange_control: str | None = Field(description="ISA13 of the scope")
    group_control: str | None = Field(description="GS06, or null for an interchange")
    transaction_control: str | None = Field(description="ST02, or null for an interchange or group")
    location: str = Field(description="where the scope stands: file / interchange / group / transaction / segment")
    findings: list[Finding]


ROW_SCHEMAS: dict[str, type[BaseModel]] = {
    "claim-row.schema.json": ClaimRow,
    "unreadable-row.schema.json": UnreadableRow,
    "shared-row.schema.json": SharedRow,
}
"""The replay rows as models, each with the file name of its JSON Schema under docs/schemas/replay/."""


def render_row_schemas() -> dict[str, str]:
    """File name -> JSON Schema text of each replay row, as committed under docs/schemas/replay/."""
    return {
        name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in ROW_SCHEMAS.items()
    }


def finding_object(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = finding.model_dump(mode="json")
    if data.get("location") is None:
        data.pop("location", None)
    return data


def claim_line(source: str, result: ClaimResult) -> dict[str, Any]:
    """A claim's row; its control numbers tell equal claim ids from different transactions apart."""
    location = result.claim.location
    return {
        "source": source,
        "claim_id": result.claim.claim_id,
        "verdict": result.verdict,
        "interchange_control": location.interchange_control or None,
        "group_control": location.group_control or None,
        "transaction_control": location.transaction_control or None,
        "payer": payer_object(result.claim),
        "findings": [finding_object(finding) for finding in result.findings],
    }


def unreadable_line(source: str, result: UnreadableResult) -> dict[str, Any]:
    location = result.location
    return {
        "source": source,
        "claim_id": None,
        "verdict": "unreadable",
        "claims_inside": result.claims_inside,
        "interchange_control": location.interchange_control or None,
        "group_control": location.group_control or None,
        "transaction_control": location.transaction_control or None,
        "findings": [finding_object(finding) for finding in result.findings],
    }


def payer_object(claim: Claim) -> dict[str, str]:
    """The claim's destination payer (2010BB name and id, SBR09 filing indicator): not patient data."""
    payer = claim.payer
    return {"name": payer.name, "payer_id": payer.payer_id, "filing_indicator": payer.filing_indicator}


def shared_line(source: str, shared: SharedFindings) -> dict[str, Any]:
    """The findings of one interchange, group, transaction or HL loop, which its claims point to (SYN011)."""
    location = shared.location
    return {
        "source": source,
        "claim_id": None,
        "verdict": "shared",
        "scope": shared.scope,
        "claims_referencing": shared.claims,
        "interchange_control": location.interchange_control or None,
        "group_control": location.group_control or None,
        "transaction_control": location.transaction_control or None,
        "location": shared.where,
        "findings": [finding_object(finding) for finding in shared.findings],
    }


def result_lines(result: InputResult) -> list[dict[str, Any]]:
    """Every claim, then every unreadable piece, then every scope stated once, of one input, in input order."""
    lines = [claim_line(result.source, claim) for claim in result.claims]
    lines.extend(unreadable_line(result.source, item) for item in result.unreadable)
    lines.extend(shared_line(result.source, item) for item in result.shared)
    return lines
