"""A replay's own history, for that run only: its database opens when a claim first could have an earlier one.

The first claim of a run has no earlier claim to find, so its verdict is kept aside; the SQLite database (and
SQLAlchemy with it) is opened when a second transaction set, or a first one holding several claims, comes,
and the kept claims are recorded into it first (the CLI opens it in a temporary file, so that the run's memory
does not grow with its claims). A one-claim replay therefore never loads SQLAlchemy, and
every later claim sees exactly what it would have seen had the database been open from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

from claimedit.history.port import ClaimRecall, HistoryBatch, HistoryPort
from claimedit_edits.engine import PriorClaim
from claimedit_edits.model import Claim, Verdict

__all__ = ["RunHistory"]


class RunHistory:
    """The history port of one replay run, opening ``open_store`` only when a claim may have an earlier one."""

    def __init__(self, open_store: Callable[[], HistoryPort]) -> None:
        self._open_store = open_store
        self._store: HistoryPort | None = None
        self._kept: list[tuple[Claim, str, Verdict]] = []

    @property
    def opened(self) -> bool:
        return self._store is not None

    def batch(self, items: Sequence[tuple[Claim, str]]) -> AbstractContextManager[HistoryBatch]:
        if self._store is None and not self._kept and len(items) == 1:
            claim, key = items[0]
            return nullcontext(_FirstClaim(self._kept, claim, key))
        return self._opened().batch(items)

    def _opened(self) -> HistoryPort:
        if self._store is None:
            store = self._store = self._open_store()
            for claim, key, verdict in self._kept:
                with store.batch([(claim, key)]) as batch:
                    batch.recall(0).record(verdict)
            self._kept.clear()
        return self._store


class _FirstClaim:
    """The run's first claim: nothing was seen before it; its verdict is kept until the database opens."""

    def __init__(self, kept: list[tuple[Claim, str, Verdict]], claim: Claim, key: str) -> None:
        self._recall = _NothingEarlier(kept, claim, key)

    def recall(self, index: int) -> ClaimRecall:
        if index != 0:
            raise IndexError(index)
        return self._recall


class _NothingEarlier:
    def __init__(self, kept: list[tuple[Claim, str, Verdict]], claim: Claim, key: str) -> None:
        self._kept = kept
        self._claim = claim
        self._key = key

    def claims_between(self, first: object, last: object) -> Sequence[PriorClaim]:  # noqa: ARG002  (protocol)
        return ()

    def record(self, verdict: Verdict) -> None:
        self._kept.append((self._claim, self._key, verdict))
