"""AON001: an add-on code without one of its primary codes on the same date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix

_TYPE_ONLY_LISTED = 1
_TYPE_SOME_LISTED = 3


@edit(
    code="AON001",
    name="add-on-without-primary",
    family="ncci",
    category="add-on",
    severity="error",
    since="0.1.0",
)
def add_on_without_primary(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line whose code is an add-on code in the NCCI add-on code table, while none of its listed primary
        codes is billed on the same date of service (17003 without 17000; 11103 without 11102, 11104 or 11106;
        11105 without 11104 or 11106; 11107 without 11106).

    Why:
        An add-on code describes work done in addition to a primary procedure. Edit type 1 add-ons are
        payable only with a listed primary: without it the line is denied (error). For edit type 3 other
        primaries may be acceptable to the payer: a warning.

    Failing example:
        SV1*HC:17003*80*UN*2 with no 17000 on that date.

    Passing example:
        SV1*HC:17000*100*UN*1 and SV1*HC:17003*80*UN*2 on the same date.

    Fix:
        Add the primary code's line for the first procedure, or replace the add-on with the primary code
        (add_line, suggesting the first listed primary).

    Options:
        None.

    References:
        CMS NCCI add-on code edit table (edition by date of service).
    """
    for date in ctx.dates:
        codes = date.codes
        aoc = date.tables.aoc
        for line in date.lines:
            entries = aoc.get(line.procedure_code)
            if not entries:  # most codes are no add-on: no list built for them
                continue
            primaries = [entry for entry in entries if entry.edit_type != 2]
            if not primaries or any(entry.primary in codes for entry in primaries):
                continue
            names = sorted({entry.primary for entry in primaries})
            only_listed = any(entry.edit_type == _TYPE_ONLY_LISTED for entry in primaries)
            yield Hit(
                line=line.number,
                message=(
                    f"{line.procedure_code} on line {line.number} is an add-on code: it is payable only with its "
                    f"primary procedure ({' or '.join(names)}) on the same date of service, and none is billed on "
                    f"{date.label}."
                ),
                source=f"{aoc.edition.label} (edit type {_TYPE_ONLY_LISTED if only_listed else _TYPE_SOME_LISTED})",
                fix=Fix(
                    action="add_line",
                    line=line.number,
                    current=line.procedure_code,
                    suggested=names[0],
                    detail=(
                        f"Report the first procedure with {' or '.join(names)} on {date.label}, "
                        f"with {line.procedure_code} for the additional ones."
                    ),
                ),
                severity=None if only_listed else "warning",
            )
