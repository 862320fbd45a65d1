"""DAT001: an NPI whose check digit is wrong (or that is not ten digits)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._npi import npi_check_digit, npi_is_valid
from claimedit_edits.rules.data._parties import parties
from claimedit_edits.rules.data._sources import IG_NM1, NPI_RULE


@edit(
    code="DAT001",
    name="npi-check-digit",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def npi_check_digit_valid(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An NPI (NM109 with NM108 = XX) of the billing provider (2010AA), the referring provider (2310A), the
        rendering provider (2310B, 2420A) or the service facility (2310C) that is not ten digits starting
        with 1 or 2, or whose tenth digit is not the Luhn check digit computed over 80840 and its first nine
        digits.

    Why:
        Every NPI carries a check digit so that a mistyped number is caught before it reaches a payer; a
        payer or clearinghouse rejects the claim at the front door when an NPI fails it.

    Failing example:
        NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX*1900000105 (the check digit is 4).

    Passing example:
        NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX*1900000104.

    Fix:
        Correct the NPI from the provider's NPPES record (replace_code; the message gives the check digit
        the first nine digits call for).

    Options:
        None.

    References:
        45 CFR 162.406; CMS "Requirements for the NPI check digit" (Luhn formula, ISO/IEC 7812, prefix 80840);
        ASC X12 005010X222A1 NM108/NM109.
    """
    for party in ctx.derived(parties):
        npi = party.provider.npi
        if not npi or npi_is_valid(npi):
            continue
        digits = npi.isdigit() and len(npi) == 10
        expected = npi_check_digit(npi[:9]) if digits else None
        problem = (
            f"its check digit should be {expected}, not {npi[9]}"
            if digits and expected != npi[9]
            else "an NPI is ten digits starting with 1 or 2"
        )
        yield Hit(
            line=party.line,
            message=f"The NPI {npi} of the {party.role} is not a valid NPI: {problem}.",
            source=f"{NPI_RULE}; {IG_NM1}",
            fix=Fix(
                action="replace_code",
                line=party.line,
                current=npi,
                detail=f"Send the {party.role}'s NPI as it stands in NPPES.",
            ),
        )
