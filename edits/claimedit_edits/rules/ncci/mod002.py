"""MOD002: an NCCI PTP pair with modifier indicator 1 billed without a modifier that bypasses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from claimedit_edits.engine import CODE_PAIR, EditContext, EditOptions, Hit, edit, option_set
from claimedit_edits.model import Fix, ServiceLine
from claimedit_edits.rules.ncci._ptp import (
    ANATOMIC_MODIFIERS,
    NCCI_ASSOCIATED_MODIFIERS,
    code_pairs_on,
    is_repair_pair,
    lines_needing_bypass,
)


class ModifierMissingOptions(EditOptions):
    bypass_modifiers: tuple[str, ...] = tuple(sorted(NCCI_ASSOCIATED_MODIFIERS - ANATOMIC_MODIFIERS))
    """Non-anatomic modifiers accepted as marking a distinct service (anatomic ones count when they differ)."""
    suggested_modifier: str = "59"
    bypass_on: Literal["either", "column2"] = "either"
    """``either``: Medicare accepts the modifier on either code of the pair; ``column2``: this payer wants it
    on the column 2 code."""


@edit(
    code="MOD002",
    name="ptp-pair-modifier-missing",
    family="ncci",
    category="modifier",
    severity="error",
    since="0.1.0",
    options=ModifierMissingOptions,
    needs_any=(CODE_PAIR,),
)
def ptp_pair_modifier_missing(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Two codes on the same date of service forming an NCCI PTP pair with modifier indicator 1 (any code of
        the loaded tables), where no NCCI-associated modifier bypasses the pair: none of 24, 25, 27, 57, 58,
        59, 78, 79, 91, XE, XP, XS, XU on either line, and no anatomic modifiers (E1-E4, FA-F9, TA-T9, LT,
        RT, LC, LD, LM, RC, RI) that tell the two sites apart. When one code is an E/M code, the E/M line
        must carry 25 (or 57). Procedure + wound repair pairs are left to REP001. One finding per line.

    Why:
        Indicator 1 pairs are paid together only when a modifier says the service was distinct (another
        site, lesion, encounter) or the E/M was significant and separately identifiable. Without it the
        column 2 line is denied as bundled. Medicare accepts the modifier on either code of the pair; some
        payers want it on the column 2 code (option ``bypass_on``).

    Failing example:
        SV1*HC:99213*120*UN*1 and SV1*HC:17000*100*UN*1 on the same date, no 25 on the E/M; or
        SV1*HC:11402*200*UN*1 and SV1*HC:11102*120*UN*1 with no modifier on either line.

    Passing example:
        SV1*HC:99213:25*120*UN*1 and SV1*HC:17000*100*UN*1; SV1*HC:11602:XS*300*UN*1 and
        SV1*HC:17000*100*UN*1; SV1*HC:11402:RT*200*UN*1 and SV1*HC:11102:LT*120*UN*1.

    Fix:
        Add the modifier when the documentation supports a distinct service (add_modifier: 25 on the E/M,
        else 59 or the X modifier that fits), otherwise remove the column 2 line.

    Options:
        bypass_modifiers: non-anatomic modifiers accepted (default every NCCI-associated one).
        suggested_modifier: the modifier the fix suggests (default 59; the Medicare layer prefers XS).
        bypass_on: ``either`` (default) or ``column2`` when the payer wants the modifier on the column 2 code.

    References:
        CMS NCCI Practitioner PTP edits (edition by date of service), modifier indicator 1; NCCI Policy
        Manual chapter I (NCCI-associated modifiers; 25, 59, X{EPSU}); NGS Medicare modifier 59 article.
    """
    options = ctx.options_as(ModifierMissingOptions)
    accepted = option_set(options.bypass_modifiers)
    either = options.bypass_on == "either"
    for date in ctx.dates:
        missing: dict[int, tuple[ServiceLine, bool, set[str]]] = {}
        for pair in code_pairs_on(date):
            if pair.edit.modifier_indicator != 1 or is_repair_pair(pair, date.tables):
                continue
            for target, partner in lines_needing_bypass(pair, accepted, either_code=either):
                entry = missing.setdefault(target.number, (target, pair.em_column is not None, set()))
                entry[2].add(partner.procedure_code)
        for target, is_em, others in missing.values():
            yield _hit(target, is_em, sorted(others), options, date.tables.ptp.edition.label)


def _hit(target: ServiceLine, is_em: bool, others: list[str], options: ModifierMissingOptions, table: str) -> Hit:
    needed = "25" if is_em else options.suggested_modifier
    if is_em:
        reason = "an E/M visit on the day of a procedure needs modifier 25 to show it was significant and separate"
    elif options.bypass_on == "column2":
        code = target.procedure_code
        reason = f"this payer wants the modifier ({needed} or another that fits) on the column 2 code, {code}"
    else:
        reason = (
            f"neither line carries a modifier showing a distinct service ({needed} or XE/XP/XS/XU, or anatomic "
            "modifiers for different sites)"
        )
    return Hit(
        line=target.number,
        message=(
            f"{target.procedure_code} on line {target.number} is bundled with {', '.join(others)} on the same date of "
            f"service (NCCI pair, modifier indicator 1): {reason}."
        ),
        source=f"{table}, modifier indicator 1",
        fix=Fix(
            action="add_modifier",
            line=target.number,
            suggested=needed,
            detail=(
                f"Add {needed} to line {target.number} if the record shows a separate service; otherwise remove "
                f"{target.procedure_code}."
            ),
        ),
    )
