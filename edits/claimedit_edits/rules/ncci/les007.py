"""LES007: units over the NCCI medically unlikely edit (MUE) value."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, EditOptions, Hit, edit, line_list, option_set, units
from claimedit_edits.model import Fix

_MAI_TEXT = {
    1: "per claim line (MAI 1)",
    2: "per date of service, all lines summed (MAI 2, policy)",
    3: "per date of service, all lines summed (MAI 3, clinical)",
}


class MueOptions(EditOptions):
    deferred_codes: tuple[str, ...] = ("17000", "17003", "17004", "17110", "17111")
    """Codes whose units a counting edit checks with its own fix (LES001-LES004, CPT limits <= the MUE)."""


@edit(
    code="LES007",
    name="mue-units-exceeded",
    family="ncci",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    options=MueOptions,
)
def mue_units_exceeded(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Units of any code in the MUE table above its MUE value: on one line when the adjudication indicator
        (MAI) is 1, summed over the lines of the date of service when it is 2 or 3.

    Why:
        Payers deny units above the MUE: the whole line for MAI 1, the excess of the day for MAI 2/3 (MAI 3
        may be appealed with records). Codes with a CPT counting rule of their own (17000, 17003, 17004,
        17110, 17111: LES001-LES004, whose limits are at or under the MUE) are left to those edits (option
        ``deferred_codes``).

    Failing example:
        SV1*HC:11403*400*UN*2 and SV1*HC:11403*200*UN*1 on one date: 3 units against an MUE of 2 (MAI 3).

    Passing example:
        SV1*HC:11403*400*UN*2 on one date.

    Fix:
        Reduce the units to the MUE value (change_units), or remove the line when nothing is left.

    Options:
        deferred_codes: codes not checked here (default the five destruction counting codes); set it to []
        when the lesion family is ignored.

    References:
        CMS NCCI Practitioner Services MUE table (edition by date of service).
    """
    deferred = option_set(ctx.options_as(MueOptions).deferred_codes)
    for date in ctx.dates:
        mue = date.tables.mue
        source = mue.edition.label
        totals: dict[str, int] = {}
        for line in date.lines:
            limit = mue.get(line.procedure_code)
            if limit is None or line.procedure_code in deferred:
                continue
            if limit.per_date_of_service:
                totals[line.procedure_code] = totals.get(line.procedure_code, 0) + units(line)
            elif units(line) > limit.units:
                yield Hit(
                    line=line.number,
                    message=(
                        f"{line.procedure_code} has {units(line)} units on line {line.number}; the MUE is "
                        f"{limit.units} {_MAI_TEXT[1]}."
                    ),
                    source=source,
                    fix=Fix(
                        action="change_units",
                        line=line.number,
                        current=str(units(line)),
                        suggested=str(limit.units),
                        detail=f"At most {limit.units} unit(s) of {line.procedure_code} on one line.",
                    ),
                )
        for code, total in totals.items():
            limit = mue.limits[code]
            if total <= limit.units:
                continue
            lines = date.with_code(code)
            last = lines[-1]
            keep = max(units(last) - (total - limit.units), 0)
            yield Hit(
                line=last.number,
                message=(
                    f"{code} has {total} units on {date.label} ({line_list(lines)}); the MUE is {limit.units} "
                    f"{_MAI_TEXT.get(limit.mai, 'per date of service')}."
                ),
                source=source,
                fix=Fix(
                    action="change_units" if keep else "remove_line",
                    line=last.number,
                    current=str(units(last)),
                    suggested=str(keep) if keep else None,
                    detail=f"At most {limit.units} unit(s) of {code} in all on {date.label}.",
                ),
            )
