"""GLB003: an E/M the day before (or the day of) a 090-day major procedure without modifier 57."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from claimedit_edits.engine import EM_VISIT, EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.global_periods import em_lines

_MAJOR = "090"


@edit(
    code="GLB003",
    name="em-before-major-procedure-needs-57",
    family="visit",
    category="modifier",
    severity="error",
    since="0.2.0",
    needs_any=(EM_VISIT,),
)
def em_before_major_procedure_needs_57(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An E/M code the day before a procedure with a 090 global period (MPFS global days of the procedure's
        date) on the same claim without 57, or on the same day without 57 or 25.

    Why:
        The global package of a major procedure starts the day before it: the E/M then is included unless it
        is the visit that decided on surgery (57). On the day of surgery a separate problem is shown by 25.

    Failing example:
        SV1*HC:99214*150*UN*1 on 2025-03-02 and a 090-day procedure on 2025-03-03, no 57.

    Passing example:
        SV1*HC:99214:57*150*UN*1 on 2025-03-02 and the procedure on 2025-03-03.

    Fix:
        Add 57 when the visit decided on the surgery (add_modifier).

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 12 §40.1-40.2; MPFS RVU file GLOB DAYS; CPT modifier 57.
    """
    majors: dict[dt.date, list[str]] = {}
    for date in ctx.dates:
        if date.day is None:
            continue
        for line in date.lines:
            indicators = date.tables.mpfs.get(line.procedure_code)
            if indicators is not None and indicators.global_days == _MAJOR:
                majors.setdefault(date.day, []).append(line.procedure_code)
    if not majors:
        return
    for date in ctx.dates:
        if date.day is None:
            continue
        next_day = date.day + dt.timedelta(days=1)
        for visit in em_lines(date):
            if next_day in majors and "57" not in visit.modifiers:
                when, codes, accepted = "the day before", majors[next_day], "57"
            elif date.day in majors and not {"57", "25"} & set(visit.modifiers):
                when, codes, accepted = "the day of", majors[date.day], "57 (or 25 for a separate problem)"
            else:
                continue
            yield Hit(
                line=visit.number,
                message=(
                    f"{visit.procedure_code} on line {visit.number} is {when} the major procedure "
                    f"{', '.join(sorted(set(codes)))} (090 global days): it is part of the surgical package unless "
                    f"it decided on the surgery, shown by {accepted}."
                ),
                source=f"CMS global surgery rules; {date.tables.mpfs.edition.label}, GLOB DAYS",
                fix=Fix(
                    action="add_modifier",
                    line=visit.number,
                    suggested="57",
                    detail=f"Add 57 to line {visit.number} if this visit decided on the surgery.",
                ),
            )
