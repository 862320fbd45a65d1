"""DXS002: the diagnosis site is in another site group than the lesion code."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Diagnosis, Fix
from claimedit_edits.rules.lesion._family_text import SITE_GROUP_TEXT


@edit(
    code="DXS002",
    name="diagnosis-site-group",
    family="lesion",
    category="diagnosis",
    severity="error",
    since="0.1.0",
)
def diagnosis_site_group(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An excision or malignant destruction code whose site group (trunk/arms/legs; scalp/neck/hands/feet/
        genitalia; face/ears/eyelids/nose/lips) does not fit the anatomic site of any pointed diagnosis that
        supports its family. The site is the ICD-10-CM 4th character for C43, C4A, C44, D03, D04, D22, D23
        (.0 lip, .1 eyelid, .2 ear, .3 face, .4 scalp and neck, .5 trunk, .6 upper limb, .7 lower limb);
        genital skin cancers (C51, C52, C60, C63.2) are genitalia. A limb diagnosis fits both the
        trunk/arms/legs and the hands/feet groups: ICD-10-CM cannot tell a hand from an arm.

    Why:
        The site group is part of the code (11400 trunk, 11420 scalp/neck, 11440 face): a face lesion billed
        with a trunk code is a wrong code and is priced wrongly.

    Failing example:
        SV1*HC:11602*300*UN*1***1 with HI*ABK:C44319 (basal cell carcinoma, face): 11642 fits.

    Passing example:
        SV1*HC:11622*300*UN*1***1 with HI*ABK:C44619 (upper limb; the lesion may be on the hand).

    Fix:
        Replace the code with the same family and size tier in the site group of the diagnosis
        (replace_code: 11602 -> 11642).

    Options:
        None.

    References:
        ICD-10-CM tabular, 4th-character site axis of C43/C4A/C44/D03/D04/D22/D23; CPT site groups of
        11400-11646 and 17260-17286; claimedit site tables (edition by date of service).
    """
    for line, tables in ctx.lines_with_tables():
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is None or lesion.site_group not in SITE_GROUP_TEXT or not line.diagnosis_codes:
            continue
        sites = tables.dx_sites
        supporting = [code for code in line.diagnosis_codes if tables.dx_support.supports(lesion.family, code)]
        located = [(code, sites.site_of(code)) for code in supporting]
        if not located or any(site is None for _, site in located):
            continue
        if any(lesion.site_group in sites.groups_fitting(site or "") for _, site in located):
            continue
        code, site = located[0]
        groups = sorted(sites.groups_fitting(site or ""), key=lambda group: (group != "trunk-arms-legs", group))
        right = (
            tables.lesion_codes.code_for(lesion.family, groups[0], lesion.tier)
            if groups and lesion.tier is not None
            else None
        )
        dotted = Diagnosis(position=0, qualifier="", code=code).dotted
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} is coded for the {SITE_GROUP_TEXT[lesion.site_group]}, "
                f"but its diagnosis {dotted} is on the {site}"
                + (f", which is coded with the {SITE_GROUP_TEXT[groups[0]]} codes: {right}." if right else ".")
            ),
            source=f"ICD-10-CM 4th-character site axis; {sites.edition.label}; {sites.fit_edition.label}",
            fix=Fix(
                action="replace_code",
                line=line.number,
                current=line.procedure_code,
                suggested=right,
                detail=f"Use the {SITE_GROUP_TEXT[groups[0]]} code of the same size tier."
                if groups
                else "Check the site of the lesion.",
            ),
        )
