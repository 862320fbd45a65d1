"""MOD002: an NCCI PTP pair with modifier indicator 1 billed without its bypass modifier."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import Hit, Reference, edit
from claimedit_edits.model import Claim, Fix, ServiceLine
from claimedit_edits.rules.lesion._ptp import DEFAULT_BYPASS_MODIFIERS, EM_BYPASS_MODIFIER, PairOnDate, pairs_on
from claimedit_edits.rules.lesion._view import view_of


@edit(
    code="MOD002",
    name="ptp-pair-modifier-missing",
    family="lesion",
    category="modifier",
    severity="error",
    since="0.1.0",
    options=("bypass_modifiers", "suggested_modifier"),
)
def ptp_pair_modifier_missing(claim: Claim, reference: Reference) -> Iterator[Hit]:
    """
    What:
        Two codes on the same date of service forming an NCCI PTP pair with modifier indicator 1, where the
        column 2 line carries none of 59, XE, XP, XS, XU, or, when one code is an established-patient E/M
        (99211-99215), the E/M line lacks modifier 25. One finding per line to fix.

    Why:
        Indicator 1 pairs are paid together only when a modifier says the service was distinct (another
        site, lesion, encounter) or the E/M was significant and separately identifiable. Without it the
        column 2 line is denied as bundled.

    Failing example:
        SV1*HC:99213*120*UN*1 and SV1*HC:17000*100*UN*1 on the same date, no 25 on the E/M.

    Passing example:
        SV1*HC:99213:25*120*UN*1 and SV1*HC:17000*100*UN*1; or SV1*HC:11602*300*UN*1 and
        SV1*HC:17000:XS*100*UN*1 (actinic keratosis at another site).

    Fix:
        Add the modifier when the documentation supports a distinct service (add_modifier: 25 on the E/M,
        else 59 or the X modifier that fits), otherwise remove the column 2 line.

    Options:
        bypass_modifiers: modifiers accepted on the column 2 line (default 59, XE, XP, XS, XU).
        suggested_modifier: the modifier the fix suggests (default 59; the Medicare layer may prefer XS).

    References:
        CMS NCCI Practitioner PTP edits (edition by date of service), modifier indicator 1; NCCI Policy
        Manual chapter I (modifiers 59, X{EPSU}, 25).
    """
    bypass = reference.option("MOD002", "bypass_modifiers", DEFAULT_BYPASS_MODIFIERS)
    bypass_set = frozenset(bypass) if isinstance(bypass, tuple) else frozenset({str(bypass)})
    suggested = str(reference.option("MOD002", "suggested_modifier", "59"))
    for date in view_of(claim, reference):
        missing: dict[int, tuple[ServiceLine, str, list[PairOnDate]]] = {}
        for pair in pairs_on(date):
            if pair.edit.modifier_indicator != 1:
                continue
            em_line = pair.em_line
            if em_line is not None:
                target, needed, accepted = em_line, EM_BYPASS_MODIFIER, frozenset({EM_BYPASS_MODIFIER})
            else:
                target, needed, accepted = pair.column2, suggested, bypass_set
            if accepted & set(target.modifiers):
                continue
            missing.setdefault(target.number, (target, needed, []))[2].append(pair)
        for target, needed, pairs in missing.values():
            others = sorted(
                {
                    (pair.column1 if pair.column2 is target else pair.column2).procedure_code
                    for pair in pairs
                    if pair.column1 is target or pair.column2 is target
                }
            )
            is_em = needed == EM_BYPASS_MODIFIER
            reason = (
                "an E/M visit on the day of a procedure needs modifier 25 to show it was significant and separate"
                if is_em
                else f"the line needs {' or '.join(sorted(bypass_set))} to show a distinct service (another site, "
                "lesion or encounter)"
            )
            yield Hit(
                line=target.number,
                message=(
                    f"{target.procedure_code} on line {target.number} is bundled with {', '.join(others)} on the same "
                    f"date of service (NCCI pair, modifier indicator 1): {reason}."
                ),
                source=f"{date.tables.ptp.edition.label}, modifier indicator 1",
                fix=Fix(
                    action="add_modifier",
                    line=target.number,
                    suggested=needed,
                    detail=(
                        f"Add {needed} to line {target.number} if the record shows a separate service; otherwise "
                        f"remove {target.procedure_code}."
                    ),
                ),
            )
