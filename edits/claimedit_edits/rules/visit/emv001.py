"""EMV001: an E/M visit on the day of a minor procedure without modifier 25."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from claimedit_edits.engine import EM_VISIT, EditContext, EditOptions, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.global_periods import MINOR_GLOBAL_DAYS, em_lines, is_em
from claimedit_edits.tables import PtpTable

_SEPARATE = frozenset({"25"})
_MAJOR_DECISION = "57"


class MinorProcedureDayOptions(EditOptions):
    defer_to_ptp: bool = True
    """Leave to MOD002 the E/M lines (without 25 or 57) that an active NCCI PTP pair ties to a procedure of the date."""


@edit(
    code="EMV001",
    name="em-on-minor-procedure-day-needs-25",
    family="visit",
    category="modifier",
    severity="error",
    since="0.2.0",
    options=MinorProcedureDayOptions,
    needs_any=(EM_VISIT,),
)
def em_on_minor_procedure_day_needs_25(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Any E/M code (new or established patient, office or other setting: the E/M code table) on the date
        of service of a procedure whose MPFS global period is 000 or 010, without modifier 25 on the E/M
        (57, the decision for a major surgery, does not apply to a minor procedure).

    Why:
        A minor procedure includes the decision to perform it and the usual pre-procedure assessment: the
        E/M is paid only when it was significant and separately identifiable, shown by 25 on the E/M. This
        is NCCI policy, not only a PTP edit: it holds for new-patient visits (99202-99205) although no PTP
        pair ties them to the lesion codes since 2020.

    Failing example:
        SV1*HC:99203*150*UN*1 and SV1*HC:17110*160*UN*1 on the same date, no 25.

    Passing example:
        SV1*HC:99203:25*150*UN*1 and SV1*HC:17110*160*UN*1 (a separate problem was evaluated).

    Fix:
        Add 25 to the E/M line when the record shows a significant, separate service; otherwise remove the
        E/M (add_modifier).

    Options:
        defer_to_ptp: true (default) leaves to MOD002 the E/M lines without 25 or 57 that an active PTP pair
        already reports; set it to false when the ncci family is ignored.

    References:
        NCCI Policy Manual chapter I (E&M services on the day of a minor procedure, new patients too) and
        chapter XI; CMS MPFS RVU file GLOB DAYS (edition by date of service); CPT modifier 25.
    """
    defer = ctx.options_as(MinorProcedureDayOptions).defer_to_ptp
    for date in ctx.dates:
        visits = em_lines(date)
        if not visits:
            continue
        mpfs = date.tables.mpfs
        minor: dict[str, str] = {}
        for line in date.lines:
            indicators = mpfs.get(line.procedure_code)
            if indicators is not None and indicators.global_days in MINOR_GLOBAL_DAYS and not is_em(line, date):
                minor[line.procedure_code] = indicators.global_days
        if not minor:
            continue
        codes = sorted(minor)
        described = ", ".join(f"{code} (global {minor[code]})" for code in codes)
        for visit in visits:
            if _SEPARATE & set(visit.modifiers):
                continue
            decision = _MAJOR_DECISION in visit.modifiers
            paired = any(_paired(date.tables.ptp, visit.procedure_code, code, date.day) for code in codes)
            if defer and paired and not decision:
                continue
            why = (
                "modifier 57 marks the decision for a major (090-day) surgery; a separate E/M on the day of a minor "
                "procedure takes 25"
                if decision
                else "it is included in the procedure unless it was significant and separately identifiable, shown "
                "by modifier 25"
            )
            yield Hit(
                line=visit.number,
                message=(
                    f"{visit.procedure_code} on line {visit.number} is an E/M visit on the day of the minor procedure "
                    f"{described}: {why}."
                ),
                source=f"NCCI Policy Manual ch. I; {mpfs.edition.label}, GLOB DAYS",
                fix=Fix(
                    action="add_modifier",
                    line=visit.number,
                    suggested="25",
                    detail=f"Add 25 to line {visit.number} if the record shows a separate problem; else remove it.",
                ),
            )


def _paired(ptp: PtpTable, em: str, code: str, day: dt.date | None) -> bool:
    for first, second in ((code, em), (em, code)):
        found = ptp.get(first, second)
        if found is not None and found.active_on(day):
            return True
    return False
