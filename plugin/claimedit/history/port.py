"""The history port the pipeline uses per claim: recall the patient's earlier claims, then record the verdict.

No database here: the pipeline imports this module only, the store implements it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from claimedit_edits.engine import ClaimHistory
from claimedit_edits.model import Claim, Verdict

__all__ = ["ClaimRecall", "HistoryPort"]


class ClaimRecall(ClaimHistory, Protocol):
    """The earlier claims of one claim's patient, open while that claim is edited."""

    def record(self, verdict: Verdict) -> None:
        """Keep the claim with its verdict (written once per idempotency key; 7/8 replace/remove the original)."""
        ...


class HistoryPort(Protocol):
    def recall(self, claim: Claim, idempotency_key: str) -> AbstractContextManager[ClaimRecall]:
        """Open the patient's history for ``claim``: claims of the same patient are serialized until exit."""
        ...
