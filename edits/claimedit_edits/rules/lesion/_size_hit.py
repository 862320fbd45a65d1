"""Turns a line's size evidence into a size-tier hit."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit
from claimedit_edits.model import Fix
from claimedit_edits.rules.lesion._size import describe_tier
from claimedit_edits.rules.lesion._sized import TierEvidence, required_tier

__all__ = ["SIZE_SOURCE", "size_tier_hits"]

SIZE_SOURCE = {
    "excised-diameter": "CPT excision guidelines: excised diameter = lesion + twice the narrowest margin",
    "lesion-diameter": "CPT destruction guidelines: malignant destruction is sized on the lesion diameter",
}


def size_tier_hits(ctx: EditContext, size_basis: str) -> Iterator[Hit]:
    for line, tables in ctx.lines_with_tables():
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is None or lesion.size_basis != size_basis or lesion.tier is None or not line.notes:
            continue
        evidence = required_tier(line, size_basis)
        if not isinstance(evidence, TierEvidence) or _agrees(lesion.tier, evidence):
            continue
        right = tables.lesion_codes.code_for(lesion.family, lesion.site_group, evidence.tier)
        bound = "" if evidence.exact else "at least "
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} is the {describe_tier(lesion.tier)} size tier, but "
                f"{evidence.explanation}: {bound}the {describe_tier(evidence.tier)} tier"
                + (f", {bound}{right}." if right else ".")
            ),
            source=f"{SIZE_SOURCE[size_basis]}; {tables.lesion_codes.edition.label}",
            fix=Fix(
                action="replace_code",
                line=line.number,
                current=line.procedure_code,
                suggested=right,
                detail=f"Report {bound}{right or 'the ' + describe_tier(evidence.tier) + ' code'} for this lesion.",
            ),
        )


def _agrees(tier: int, evidence: TierEvidence) -> bool:
    return tier == evidence.tier if evidence.exact else tier >= evidence.tier
