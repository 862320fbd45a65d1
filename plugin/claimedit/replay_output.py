"""The replay contract: one JSON object per claim and per unreadable interchange or transaction.

Both replays (files and ``--broker``) print exactly these objects, and golden files hold them. No
patient data appears here beyond the claim id.
"""

from __future__ import annotations

from typing import Any

from claimedit.results import ClaimResult, InputResult, UnreadableResult
from claimedit_edits.model import Claim, Finding

__all__ = ["claim_line", "finding_object", "payer_object", "result_lines", "unreadable_line"]


def finding_object(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = finding.model_dump(mode="json")
    if data.get("location") is None:
        data.pop("location", None)
    return data


def claim_line(source: str, result: ClaimResult) -> dict[str, Any]:
    return {
        "source": source,
        "claim_id": result.claim.claim_id,
        "verdict": result.verdict,
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


def result_lines(result: InputResult) -> list[dict[str, Any]]:
    """Every claim, then every unreadable piece, of one input, in input order."""
    lines = [claim_line(result.source, claim) | {"payer": payer_object(claim.claim)} for claim in result.claims]
    lines.extend(unreadable_line(result.source, item) for item in result.unreadable)
    return lines
