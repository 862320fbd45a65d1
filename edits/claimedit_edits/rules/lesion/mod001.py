"""MOD001: an NCCI PTP pair with modifier indicator 0 on one date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import Hit, Reference, edit
from claimedit_edits.model import Claim, Fix
from claimedit_edits.rules.lesion._counting import pairs_reported_by_counting_edits
from claimedit_edits.rules.lesion._ptp import pairs_on
from claimedit_edits.rules.lesion._view import view_of


@edit(
    code="MOD001",
    name="ptp-pair-never-together",
    family="lesion",
    category="modifier",
    severity="error",
    since="0.1.0",
)
def ptp_pair_never_together(claim: Claim, reference: Reference) -> Iterator[Hit]:
    """
    What:
        Two codes on the same date of service that form an NCCI procedure-to-procedure (PTP) pair with
        modifier indicator 0 (e.g. 11104 with 11102). The pairs 17004/17000, 17004/17003 and 17111/17110
        are left to LES005 and LES006, which give the counting fix.

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
        None.

    References:
        CMS NCCI Practitioner PTP edits (edition by date of service), modifier indicator 0.
    """
    skipped = pairs_reported_by_counting_edits()
    for date in view_of(claim, reference):
        for pair in pairs_on(date):
            codes = (pair.column1.procedure_code, pair.column2.procedure_code)
            if pair.edit.modifier_indicator != 0 or codes in skipped:
                continue
            yield Hit(
                line=pair.column2.number,
                message=(
                    f"{codes[1]} on line {pair.column2.number} is never paid with {codes[0]} (line "
                    f"{pair.column1.number}) on the same date of service: NCCI pair with modifier indicator 0"
                    f" ({pair.edit.rationale or 'no rationale given'}); no modifier bypasses it."
                ),
                source=f"{date.tables.ptp.edition.label}, column 1 {codes[0]} / column 2 {codes[1]}",
                fix=Fix(
                    action="remove_line",
                    line=pair.column2.number,
                    current=codes[1],
                    detail=f"Remove {codes[1]} or replace it with the code that describes the service with {codes[0]}.",
                ),
            )
