"""The history port the pipeline uses per claim: recall the patient's earlier claims, then record the verdict.

No database here: the pipeline imports this module only, the store implements it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from claimedit_edits.engine import ClaimHistory
from claimedit_edits.model import Claim, Verdict

__all__ = ["ClaimRecall", "HistoryBatch", "HistoryPort", "HistoryUnavailableError"]


class HistoryUnavailableError(RuntimeError):
    """The history store failed (connection lost, lock timeout ...): the input must be tried again later, not
    edited without its history. The pipeline lets it through its per-piece guards; the service retries."""


class ClaimRecall(ClaimHistory, Protocol):
    """The earlier claims of one claim's patient, open while that claim is edited."""

    def record(self, verdict: Verdict) -> None:
        """Keep the claim with its verdict (written once per idempotency key; 7/8 replace/remove the original)."""
        ...


class HistoryBatch(Protocol):
    def recall(self, index: int) -> ClaimRecall:
        """The history of the batch's claim number ``index`` (it sees the batch's claims recorded before it)."""
        ...


class HistoryPort(Protocol):
    def batch(self, items: Sequence[tuple[Claim, str]]) -> AbstractContextManager[HistoryBatch]:
        """Open the history of the patients of ``items`` (claim, idempotency key), locked until exit, when the
        recorded claims are written in one transaction."""
        ...
