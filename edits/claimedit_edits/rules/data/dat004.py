"""DAT004: the rendering provider's taxonomy is not one that performs the line's procedure family."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.codesets import CodeSet
from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Claim, Fix, ServiceLine
from claimedit_edits.rules.data._scope import scope_rule


def _taxonomy(claim: Claim, line: ServiceLine) -> tuple[str, str]:
    """The taxonomy of whoever rendered the line, and who that is."""
    if line.rendering_provider is not None and line.rendering_provider.taxonomy:
        return line.rendering_provider.taxonomy, "line rendering provider"
    if claim.rendering_provider is not None and claim.rendering_provider.taxonomy:
        return claim.rendering_provider.taxonomy, "rendering provider"
    if claim.billing_provider.entity_type == "1":
        return claim.billing_provider.taxonomy, "billing provider (a person, rendering the service)"
    return "", ""


@edit(
    code="DAT004",
    name="taxonomy-performs-procedure-family",
    family="data",
    category="claim-data",
    severity="warning",
    since="0.2.0",
)
def taxonomy_performs_procedure_family(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line of a code family claimedit edits (the skin lesion families: destruction, excision, biopsy)
        whose rendering provider's taxonomy (2420A, else 2310B, else the billing provider when it is a
        person) is not one that performs those procedures: physicians other than pathology, radiology,
        anaesthesiology and psychiatry/neurology, physician assistants, nurse practitioners, clinical nurse
        specialists, podiatrists, oral and maxillofacial surgeons. Codes outside the NUCC set are DAT003's.

    Why:
        A dermatopathologist interprets the biopsy but does not perform the destruction; a claim that names
        one as the rendering provider of 17000 usually names the wrong provider, and payers that check the
        taxonomy against the service deny it.

    Failing example:
        NM1*82*1*TESTDOCTOR*SAM****XX*1900000369 with PRV*PE*PXC*207ND0101X (dermatopathology), and
        SV1*HC:17000*100*UN*1***1.

    Passing example:
        The same line with PRV*PE*PXC*207N00000X (dermatology).

    Fix:
        Name the provider who performed the procedure as rendering provider (replace_code on the taxonomy).

    Options:
        None.

    References:
        NUCC taxonomy definitions (Pathology, Dermatopathology); claimedit taxonomy scope table, edition in the
        finding.
    """
    for date in ctx.dates:
        rules = ctx.codesets.at("taxonomy-scope", date.day)
        nucc: CodeSet | None = None
        for line in date.lines:
            code = date.tables.lesion_codes.get(line.procedure_code)
            if code is None:
                continue
            taxonomy, who = _taxonomy(ctx.claim, line)
            if not taxonomy:
                continue
            nucc = nucc or ctx.codesets.at("taxonomy", date.day)
            if taxonomy not in nucc:
                continue
            rule = scope_rule(rules, code.family, taxonomy)
            if rule is not None and rule[0]:
                continue
            reason = f" ({rule[1]})" if rule is not None else ""
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} ({line.procedure_code}, {code.family}) names a {who} with taxonomy "
                    f"{taxonomy}{reason}, which does not perform these procedures."
                ),
                source=rules.edition,
                fix=Fix(
                    action="replace_code",
                    line=line.number,
                    current=taxonomy,
                    detail="Name the provider who performed the procedure as the rendering provider.",
                ),
            )
