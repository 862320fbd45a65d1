"""MOD001: an NCCI PTP pair with modifier indicator 0 on one date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import CODE_PAIR, EditContext, EditOptions, Hit, edit, option_set
from claimedit_edits.model import Fix
from claimedit_edits.rules.ncci._ptp import code_pairs_on


class NeverTogetherOptions(EditOptions):
    deferred_pairs: tuple[str, ...] = ("17004/17000", "17004/17003", "17111/17110")
    """``column1/column2`` pairs another edit reports with a better fix (LES005, LES006 give the counting fix)."""


@edit(
    code="MOD001",
    name="ptp-pair-never-together",
    family="ncci",
    category="modifier",
    severity="error",
    since="0.1.0",
    options=NeverTogetherOptions,
    needs_any=(CODE_PAIR,),
)
def ptp_pair_never_together(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Two codes on the same date of service that form an NCCI procedure-to-procedure (PTP) pair with
        modifier indicator 0 (e.g. 11104 with 11102), for every code of the loaded PTP tables. The pairs
        17004/17000, 17004/17003 and 17111/17110 are left to LES005 and LES006, which give the counting fix
        (option ``deferred_pairs``).

    Why:
        Indicator 0 means the column 2 code is never paid with the column 1 code, whatever the modifier:
        59 or X{EPSU} does not help. The column 2 line is denied.

    Failing example:
        SV1*HC:11104*150*UN*1 and SV1*HC:11102*120*UN*1 on the same date (a second biopsy method is
        reported with its add-on code 11103, not as a primary).

    Passing example:
        SV1*HC:11104*150*UN*1 and SV1*HC:11103*60*UN*1.

    Fix:
        Remove the column 2 line, or report it with the right code (remove_line).

    Options:
        deferred_pairs: ``column1/column2`` pairs not reported here (default the three counting pairs); set
        it to [] when the lesion family is ignored.

    References:
        CMS NCCI Practitioner PTP edits (edition by date of service), modifier indicator 0.
    """
    skipped = option_set(ctx.options_as(NeverTogetherOptions).deferred_pairs)
    for date in ctx.dates:
        for pair in code_pairs_on(date):
            codes = pair.codes
            if pair.edit.modifier_indicator != 0 or f"{codes[0]}/{codes[1]}" in skipped:
                continue
            first = pair.column1[0]
            for line in pair.column2:
                yield Hit(
                    line=line.number,
                    message=(
                        f"{codes[1]} on line {line.number} is never paid with {codes[0]} (line {first.number}) on the"
                        f" same date of service: NCCI pair with modifier indicator 0"
                        f" ({pair.edit.rationale or 'no rationale given'}); no modifier bypasses it."
                    ),
                    source=f"{date.tables.ptp.edition.label}, column 1 {codes[0]} / column 2 {codes[1]}",
                    fix=Fix(
                        action="remove_line",
                        line=line.number,
                        current=codes[1],
                        detail=(
                            f"Remove {codes[1]} or replace it with the code that describes the service with {codes[0]}."
                        ),
                    ),
                )
