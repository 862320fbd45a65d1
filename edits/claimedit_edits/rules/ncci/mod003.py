"""MOD003 (opt-in, Medicare layer): modifier 59 where the payer prefers X{EPSU}."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import CODE_PAIR, EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.ncci._ptp import code_pairs_on


@edit(
    code="MOD003",
    name="x-modifier-preferred-over-59",
    family="ncci",
    category="modifier",
    severity="warning",
    since="0.1.0",
    default_enabled=False,
    needs_any=(CODE_PAIR,),
)
def x_modifier_preferred_over_59(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Modifier 59 on either line of an NCCI indicator-1 pair, for a payer that wants the more
        specific X{EPSU} modifiers. Opt-in: the default configuration selects it for Medicare Part B
        (SBR09 = MB).

    Why:
        CMS created XE (separate encounter), XP (separate practitioner), XS (separate structure or organ)
        and XU (unusual non-overlapping service) as subsets of 59 and prefers them; some contractors review
        59 more closely.

    Failing example:
        Medicare claim: SV1*HC:11602*300*UN*1 and SV1*HC:17000:59*100*UN*1.

    Passing example:
        Medicare claim: SV1*HC:11602*300*UN*1 and SV1*HC:17000:XS*100*UN*1.

    Fix:
        Replace 59 with the X modifier that fits (replace_modifier; XS for a lesion at a separate site).

    Options:
        Select it for a payer layer with extend_select = ["MOD003"].

    References:
        CMS MLN "Proper use of the -XE, -XS, -XP, -XU modifiers"; NCCI Policy Manual chapter I.
    """
    for date in ctx.dates:
        flagged: set[int] = set()
        for pair in code_pairs_on(date):
            if pair.edit.modifier_indicator != 1 or pair.em_column is not None:
                continue
            for line in (*pair.column1, *pair.column2):
                if "59" not in line.modifiers or line.number in flagged:
                    continue
                flagged.add(line.number)
                yield Hit(
                    line=line.number,
                    message=(
                        f"{line.procedure_code} on line {line.number} bypasses its NCCI pair with "
                        f"{pair.other_code(line)} by modifier 59; this payer prefers XE, XP, XS or XU, which "
                        "say why the service is distinct."
                    ),
                    source=f"CMS X{{EPSU}} modifier guidance; {date.tables.ptp.edition.label}",
                    fix=Fix(
                        action="replace_modifier",
                        line=line.number,
                        current="59",
                        suggested="XS",
                        detail="Use XS for a separate site or lesion, XE separate encounter, XP separate practitioner, "
                        "XU unusual non-overlapping service.",
                    ),
                )
