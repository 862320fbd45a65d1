"""REP001: a wound repair bundled into an excision, biopsy or destruction on the same date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import CODE_PAIR, EditContext, EditOptions, Hit, edit, option_set
from claimedit_edits.model import Fix, ServiceLine
from claimedit_edits.rules.ncci._ptp import (
    ANATOMIC_MODIFIERS,
    NCCI_ASSOCIATED_MODIFIERS,
    code_pairs_on,
    is_repair_pair,
    lines_needing_bypass,
)
from claimedit_edits.tables import TableSet

_EXCISION_FAMILIES = frozenset({"benign-excision", "malignant-excision"})


class RepairOptions(EditOptions):
    bypass_modifiers: tuple[str, ...] = tuple(sorted(NCCI_ASSOCIATED_MODIFIERS - ANATOMIC_MODIFIERS))


@edit(
    code="REP001",
    name="repair-included-in-excision",
    family="ncci",
    category="modifier",
    severity="error",
    since="0.2.0",
    options=RepairOptions,
    needs_any=(CODE_PAIR,),
)
def repair_included_in_excision(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A wound repair (12001-13153, the repair code table) billed with a procedure it forms an NCCI PTP pair
        with on the same date (the CMS PTP table: simple repairs pair with every excision, intermediate and
        complex ones with the 0.5 cm-or-less benign excisions 11400/11420/11440, biopsies and destructions),
        with no modifier marking a separate wound. An intermediate or complex repair billed with a small
        benign excision is accepted when a larger lesion was also excised that day.

    Why:
        Excision includes simple (non-layered) closure; intermediate and complex repairs are reported
        separately, except that a benign excision of 0.5 cm or less includes any repair, unless another,
        larger lesion was excised (the repair then belongs to it).

    Failing example:
        SV1*HC:11602*300*UN*1 and SV1*HC:12002*150*UN*1 (simple repair) on the same date.

    Passing example:
        SV1*HC:11603*400*UN*1 and SV1*HC:12032*200*UN*1 (intermediate repair, separate); SV1*HC:11400*150*UN*1,
        SV1*HC:11403*300*UN*1 and SV1*HC:12032*200*UN*1 (the repair closes the larger excision).

    Fix:
        Remove the repair line, or add XS/59 when the repair closed a different wound (remove_line).

    Options:
        bypass_modifiers: modifiers accepted on either line as a separate wound (default every non-anatomic
        NCCI-associated modifier).

    References:
        NCCI Policy Manual chapter III (repairs with excisions); CMS NCCI Practitioner PTP edits (lesion x
        repair pairs, edition by date of service); CPT repair guidelines (simple, intermediate, complex).
    """
    accepted = option_set(ctx.options_as(RepairOptions).bypass_modifiers)
    for date in ctx.dates:
        if not any(date.tables.repair_codes.type_of(code) for code in date.codes):
            continue
        reported: dict[int, tuple[ServiceLine, set[str]]] = {}
        larger = _larger_excision_on(date.lines, date.tables)
        for pair in code_pairs_on(date):
            if pair.edit.modifier_indicator != 1 or not is_repair_pair(pair, date.tables):
                continue
            repair_type = date.tables.repair_codes.type_of(pair.edit.column2)
            if repair_type != "simple" and _small_benign_excision(pair.edit.column1, date.tables) and larger:
                continue
            for repair, partner in lines_needing_bypass(pair, accepted):
                reported.setdefault(repair.number, (repair, set()))[1].add(partner.procedure_code)
        for repair, others in reported.values():
            repair_type = date.tables.repair_codes.type_of(repair.procedure_code) or "repair"
            why = (
                "an excision, biopsy or destruction includes simple (non-layered) repair of its own wound"
                if repair_type == "simple"
                else f"a benign excision of 0.5 cm or less, a biopsy or a destruction includes even {repair_type} "
                "repair when no larger lesion was excised"
            )
            yield Hit(
                line=repair.number,
                message=(
                    f"{repair.procedure_code} ({repair_type} repair) on line {repair.number} is included in "
                    f"{', '.join(sorted(others))} on {date.label}: {why}."
                ),
                source=f"NCCI Policy Manual ch. III; {date.tables.ptp.edition.label}, modifier indicator 1",
                fix=Fix(
                    action="remove_line",
                    line=repair.number,
                    current=repair.procedure_code,
                    detail=f"Remove line {repair.number}, or add XS if the repair closed a different wound.",
                ),
            )


def _small_benign_excision(code: str, tables: TableSet) -> bool:
    lesion = tables.lesion_codes.get(code)
    return lesion is not None and lesion.family == "benign-excision" and lesion.tier == 0


def _larger_excision_on(lines: tuple[ServiceLine, ...], tables: TableSet) -> bool:
    for line in lines:
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is not None and lesion.family in _EXCISION_FAMILIES and (lesion.tier or 0) > 0:
            return True
    return False
