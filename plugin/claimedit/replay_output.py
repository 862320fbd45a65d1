"""The replay contract: one JSON object per claim, per unreadable interchange or transaction, and per scope
whose findings are stated once (more of them than each claim carries).

Both replays (files and ``--broker``) print exactly these objects, and golden files hold them. No
patient data appears here beyond the claim id.
"""

from __future__ import annotations

from typing import Any

from claimedit.results import ClaimResult, InputResult, SharedFindings, UnreadableResult
from claimedit_edits.model import Finding

__all__ = ["claim_line", "finding_object", "result_lines", "shared_line", "unreadable_line"]


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


def shared_line(source: str, shared: SharedFindings) -> dict[str, Any]:
    """The findings of one interchange, group, transaction or HL loop, which its claims point to (SYN009)."""
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
