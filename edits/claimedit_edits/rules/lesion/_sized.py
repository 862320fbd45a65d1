"""The size tier a line's notes call for, shared by the excision and destruction size edits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from claimedit_edits.model import ServiceLine
from claimedit_edits.rules.lesion._size import SizeStatement, parse_sizes, tier_of

__all__ = ["TierEvidence", "lengths_only", "required_tier"]


@dataclass(frozen=True)
class TierEvidence:
    tier: int
    exact: bool
    """True: the code must be this tier. False: a lower bound (lesion without margins, for an excision)."""
    size_cm: Decimal
    explanation: str


def _cm(value: Decimal) -> str:
    return f"{value:f} cm"


def _excision_evidence(statement: SizeStatement) -> TierEvidence:
    excised = statement.excised_cm
    if excised is not None:
        if statement.kind == "excised":
            explanation = f"the note gives an excised diameter of {_cm(excised)}"
        else:
            explanation = (
                f"the note gives lesion {_cm(statement.size_cm)} with margins {_cm(statement.margin_cm or Decimal(0))}:"
                f" excised diameter {_cm(excised)} (lesion + twice the margin)"
            )
        return TierEvidence(tier_of(excised), True, excised, explanation)
    explanation = (
        f"the note gives a lesion of {_cm(statement.size_cm)} and the excised diameter (lesion + twice the margin) "
        "cannot be smaller"
    )
    return TierEvidence(tier_of(statement.size_cm), False, statement.size_cm, explanation)


def _destruction_evidence(statement: SizeStatement) -> TierEvidence | None:
    if statement.kind == "excised":
        return None
    explanation = f"the note gives a lesion diameter of {_cm(statement.size_cm)} (destruction is sized on the lesion)"
    return TierEvidence(tier_of(statement.size_cm), True, statement.size_cm, explanation)


def required_tier(line: ServiceLine, size_basis: str) -> TierEvidence | bool | None:
    """The tier the notes call for; None when they give no usable size; False when they disagree with each other."""
    statements = [statement for statement in parse_sizes(line.notes) or () if statement.kind != "length"]
    if not statements:
        return None
    if size_basis == "excised-diameter":
        evidence = [_excision_evidence(statement) for statement in statements]
    else:
        evidence = [item for item in map(_destruction_evidence, statements) if item is not None]
    if not evidence:
        return None
    exact = {item.tier for item in evidence if item.exact}
    if len(exact) == 1:
        return next(item for item in evidence if item.exact)
    if exact:
        return False
    bounds = {item.tier for item in evidence}
    if len(bounds) == 1:
        return evidence[0]
    return False


def lengths_only(line: ServiceLine) -> list[SizeStatement]:
    """The lengths (ellipse, incision, defect) of the notes when they give no diameter at all, else []."""
    statements = parse_sizes(line.notes) or []
    if statements and all(statement.kind == "length" for statement in statements):
        return statements
    return []
