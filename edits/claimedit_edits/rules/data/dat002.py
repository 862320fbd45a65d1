"""DAT002: a provider loop whose entity type the guide does not allow (a person where an organisation is required)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._parties import parties
from claimedit_edits.rules.data._sources import IG_NM1

_TYPE = {"1": "a person (1)", "2": "an organisation (2)"}


@edit(
    code="DAT002",
    name="provider-entity-type",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def provider_entity_type(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The entity type qualifier (NM102) of a provider loop is not one the implementation guide allows
        there: the referring provider (2310A) must be a person (1), the service facility location (2310C)
        an organisation (2); the billing and rendering providers may be either, but nothing else.

    Why:
        A referring NPI must be an individual's (type 1) NPI and a service facility's an organisation's
        (type 2); payers match the NPI against NPPES by its entity type and deny the claim when they differ.

    Failing example:
        NM1*DN*2*FICTIONAL CLINIC*****XX*1900000104 (a referring provider sent as an organisation).

    Passing example:
        NM1*DN*1*TESTDOCTOR*ALEX****XX*1900000369.

    Fix:
        Send the individual referring physician (or the facility's organisation NPI for 2310C), with the
        matching NM102 (replace_code).

    Options:
        None.

    References:
        ASC X12 005010X222A1: 2310A NM102 = 1, 2310C NM102 = 2, 2010AA/2310B/2420A NM102 = 1 or 2.
    """
    for party in ctx.derived(parties):
        kind = party.provider.entity_type
        if kind in party.allowed:
            continue
        allowed = " or ".join(_TYPE[value] for value in sorted(party.allowed))
        yield Hit(
            line=party.line,
            message=(
                f"The {party.role} is sent with entity type {kind or 'none'} (NM102); the guide requires {allowed} "
                "there."
            ),
            source=IG_NM1,
            fix=Fix(
                action="replace_code",
                line=party.line,
                current=kind,
                suggested=next(iter(party.allowed)) if len(party.allowed) == 1 else None,
                detail=f"Send {allowed} in this loop, with that party's NPI.",
            ),
        )
