"""Runs the selected edits over claims. One failing edit is an ``internal`` finding, never a lost claim."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import structlog

from claimedit_edits.engine.reference import Reference
from claimedit_edits.engine.registry import Registry
from claimedit_edits.engine.spec import Hit, RegisteredEdit
from claimedit_edits.model import Claim, Finding, Severity

__all__ = ["Engine", "Selection"]

_log = structlog.get_logger("claimedit.engine")


@dataclass(frozen=True)
class Selection:
    """Which edits run and at which severity (for one claim, after payer layers are applied)."""

    select: frozenset[str] = frozenset()
    """Codes or families to run; empty means all."""
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)

    def enabled(self, edit: RegisteredEdit) -> bool:
        keys = {edit.spec.code, edit.spec.name, edit.spec.family, edit.spec.category}
        if self.select and not keys & self.select:
            return False
        return not keys & self.ignore

    def severity_of(self, edit: RegisteredEdit) -> Severity:
        return self.severity.get(edit.spec.code, edit.spec.default_severity)


class SelectionPolicy:
    """Chooses the selection for a claim. The TOML configuration subclasses this with payer layers."""

    def __init__(self, default: Selection | None = None) -> None:
        self.default = default or Selection()

    def for_claim(self, claim: Claim) -> Selection:
        return self.default


class Engine:
    """The edit engine: pure functions of a claim plus injected reference data."""

    def __init__(self, registry: Registry, reference: Reference, policy: SelectionPolicy | None = None) -> None:
        self.registry = registry
        self.reference = reference
        self.policy = policy or SelectionPolicy()
        self._edits: Sequence[RegisteredEdit] = list(registry)

    def check(self, claim: Claim) -> list[Finding]:
        """All findings of the enabled edits on one claim, in edit-code order."""
        selection = self.policy.for_claim(claim)
        findings: list[Finding] = []
        for registered in self._edits:
            if not selection.enabled(registered):
                continue
            severity = selection.severity_of(registered)
            try:
                hits = list(registered.check(claim, self.reference))
            except Exception as exc:  # noqa: BLE001  (an edit's bug must not lose the claim)
                _log.error(
                    "edit_failed",
                    edit=registered.spec.code,
                    claim_id=claim.claim_id,
                    error=type(exc).__name__,
                )
                findings.append(_internal_finding(registered, exc))
                continue
            findings.extend(_finding(registered, hit, severity) for hit in hits)
        return findings

    def check_all(self, claims: Iterable[Claim]) -> list[list[Finding]]:
        return [self.check(claim) for claim in claims]


def _finding(registered: RegisteredEdit, hit: Hit, severity: Severity) -> Finding:
    spec = registered.spec
    return Finding(
        code=spec.code,
        edit=spec.name,
        category=spec.category,
        severity=hit.severity if hit.severity is not None and hit.severity != spec.default_severity else severity,
        line=hit.line,
        message=hit.message,
        source=hit.source,
        fix=hit.fix,
    )


def _internal_finding(registered: RegisteredEdit, exc: Exception) -> Finding:
    return Finding(
        code="INT001",
        edit="edit-raised-an-exception",
        category="internal",
        severity="error",
        message=(
            f"Edit {registered.spec.code} ({registered.spec.name}) failed on this claim with "
            f"{type(exc).__name__}; the claim was not fully checked. This is a claimedit defect, not a "
            "coding problem: report it with the claim id."
        ),
        source="claimedit engine",
    )
