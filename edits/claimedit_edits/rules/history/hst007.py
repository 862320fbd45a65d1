"""HST007: an E/M on the day of a procedure billed on an earlier claim (or the day before a major one) without
25 or 57."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, PriorClaim, PriorLine, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.global_periods import MINOR_GLOBAL_DAYS, em_lines

_MAJOR = "090"
_ONE_DAY = dt.timedelta(days=1)


@edit(
    code="HST007",
    name="em-with-earlier-claims-procedure-needs-25-or-57",
    family="history",
    needs_history=True,
    category="modifier",
    severity="error",
    since="0.3.0",
)
def em_with_earlier_claims_procedure_needs_25_or_57(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An E/M code on the date of a procedure billed on an earlier accepted claim of the same patient and
        billing provider: with a minor procedure (MPFS global days 000 or 010) it needs 25; with a major one
        (090) it needs 57 (or 25 for a separate problem); the day before a major procedure it needs 57.
        EMV001 and GLB003 are the same rules inside one claim.

    Why:
        The E/M sent on its own claim after the procedure's claim is still part of the procedure's package
        unless a modifier says it was separate (25) or decided on a major surgery (57).

    Failing example:
        SV1*HC:17110*160*UN*1 on 2025-03-04 on one claim; SV1*HC:99213*120*UN*1 on 2025-03-04 on the next
        claim of the same patient and provider, no 25.

    Passing example:
        SV1*HC:99213:25*120*UN*1 on 2025-03-04 (a separate problem was evaluated).

    Fix:
        Add 25 (or 57 before a major procedure) when the record supports it; otherwise remove the E/M
        (add_modifier).

    Options:
        None.

    References:
        NCCI Policy Manual ch. I (E&M on the day of a minor procedure); CMS Medicare Claims Processing Manual
        ch. 12 §40.1-40.2; MPFS RVU file GLOB DAYS; CPT modifiers 25 and 57.
    """
    procedures = _procedures_by_day(ctx)
    if not procedures:
        return
    for date in ctx.dates:
        if date.day is None:
            continue
        for visit in em_lines(date):
            modifiers = set(visit.modifiers)
            same_day = procedures.get(date.day, [])
            next_day = [item for item in procedures.get(date.day + _ONE_DAY, []) if item[2] == _MAJOR]
            if next_day and "57" not in modifiers:
                found, needed, when = next_day[0], "57", "the day before"
            elif same_day and not modifiers & ({"25", "57"} if same_day[0][2] == _MAJOR else {"25"}):
                found, when = same_day[0], "the day of"
                needed = "57 (or 25 for a separate problem)" if found[2] == _MAJOR else "25"
            else:
                continue
            prior, line, global_days = found
            yield Hit(
                line=visit.number,
                message=(
                    f"{visit.procedure_code} on line {visit.number} ({date.label}) is an E/M {when} {line.code} "
                    f"(global {global_days}, line {line.number} of {prior.named}): it is part of the procedure's "
                    f"package unless shown as separate by {needed}."
                ),
                source=f"NCCI Policy Manual ch. I; CMS global surgery; {date.tables.mpfs.edition.label}, GLOB DAYS",
                fix=Fix(
                    action="add_modifier",
                    line=visit.number,
                    suggested=needed[:2],
                    detail=f"Add {needed} to line {visit.number} if the record supports it; else remove the E/M.",
                ),
            )


def _procedures_by_day(ctx: EditContext) -> dict[dt.date, list[tuple[PriorClaim, PriorLine, str]]]:
    """Procedures (000, 010, 090) of earlier claims of the same billing provider, from the claim's first date to
    the day after its last, by date of service."""
    history = ctx.history
    days = [date.day for date in ctx.dates if date.day is not None]
    procedures: dict[dt.date, list[tuple[PriorClaim, PriorLine, str]]] = {}
    if history is None or not days:
        return procedures
    billing = ctx.claim.billing_provider.npi
    for prior in history.claims_between(min(days), max(days) + _ONE_DAY):
        if prior.billing_npi != billing:
            continue
        for line in prior.lines:
            tables = ctx.tables_at(line.day)
            indicators = tables.mpfs.get(line.code)
            if indicators is None or line.code in tables.em_codes:
                continue
            if indicators.global_days in MINOR_GLOBAL_DAYS or indicators.global_days == _MAJOR:
                procedures.setdefault(line.day, []).append((prior, line, indicators.global_days))
    return procedures
