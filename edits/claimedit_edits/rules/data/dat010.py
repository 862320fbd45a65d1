"""DAT010: a service line or a claim with a charge of zero."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, EditOptions, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._sources import IG_CHARGES

_CATEGORY_II = re.compile(r"^\d{4}F$")


class ZeroChargeOptions(EditOptions):
    allow_category_ii: bool = True
    """CPT Category II codes (nnnnF) report quality measures and are often sent at zero: not flagged."""


@edit(
    code="DAT010",
    name="zero-charge",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
    options=ZeroChargeOptions,
)
def zero_charge(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A service line charge (SV102) or the claim total (CLM02) of zero. CPT Category II codes (nnnnF) are
        left alone unless ``allow_category_ii`` is false.

    Why:
        A service billed at zero cannot be priced; most payers reject the line, and a zero claim total
        usually means the charges were not filled in by the practice-management system.

    Failing example:
        SV1*HC:17000*0*UN*1***1.

    Passing example:
        SV1*HC:17000*100*UN*1***1; SV1*HC:3017F*0*UN*1***1 (a quality measure code).

    Fix:
        Enter the practice's charge for the service (correct_amount).

    Options:
        allow_category_ii: false to flag zero-charge Category II lines too (payers that want $0.01).

    References:
        ASC X12 005010X222A1, 2300 CLM02 and 2400 SV102.
    """
    claim = ctx.claim
    if claim.total_charge != 0 and all(line.charge != 0 for line in claim.service_lines):
        return  # the usual case: no charge is zero
    allow = ctx.options_as(ZeroChargeOptions).allow_category_ii
    exempt = [bool(allow and _CATEGORY_II.match(line.procedure_code)) for line in claim.service_lines]
    if claim.total_charge == 0 and not all(exempt):
        yield Hit(
            message="The claim total charge (CLM02) is zero.",
            source=IG_CHARGES,
            fix=Fix(action="correct_amount", current=str(claim.total_charge), detail="Enter the claim's charges."),
        )
    for line, skip in zip(claim.service_lines, exempt, strict=True):
        if line.charge != 0 or skip:
            continue
        yield Hit(
            line=line.number,
            message=f"Line {line.number} ({line.procedure_code}) is billed at a charge of zero.",
            source=IG_CHARGES,
            fix=Fix(
                action="correct_amount",
                line=line.number,
                current=str(line.charge),
                detail="Enter the practice's charge for the service.",
            ),
        )
