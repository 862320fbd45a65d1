"""The 005010X222A1 interchange the case tests write their claims into (the edit cases and the history tests).

One fictional dermatology group (NPI 1900000104) bills every claim; the caller gives each claim its own 2000B
subscriber loop. Fictional data only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["group_interchange", "segments"]


def segments(block: str) -> list[str]:
    """The segments of a block of X12 written one segment a line (the ``~`` terminators are optional)."""
    return [line.strip().rstrip("~") for line in block.strip().splitlines() if line.strip()]


def group_interchange(claims: Iterable[Sequence[str]], *, control: int, reference: str) -> str:
    """An interchange of one transaction: the submitter, receiver and billing group, then each claim's segments
    (its subscriber loop from HL*n*1*22 and its 2300 loop); BHT03 is ``reference`` and the control number."""
    body = [
        f"ST*837*{control:04d}*005010X222A1",
        f"BHT*0019*00*{reference}{control:05d}*20260115*1200*CH",
        "NM1*41*2*FICTIONAL DERMATOLOGY GROUP*****46*TESTSUB0001",
        "PER*IC*BILLING OFFICE*TE*5555550100",
        "NM1*40*2*TEST CLEARINGHOUSE*****46*TESTRECEIVER",
        "HL*1**20*1",
        "PRV*BI*PXC*207N00000X",
        "NM1*85*2*FICTIONAL DERMATOLOGY GROUP*****XX*1900000104",
        "N3*100 PRETEND PLAZA SUITE 1",
        "N4*ANYTOWN*OH*430000001",
        "REF*EI*990000001",
    ]
    for claim in claims:
        body += claim
    body.append(f"SE*{len(body) + 1}*{control:04d}")
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'CLAIMEDITTEST':15}*ZZ*{'TESTRECEIVER':15}*260115*1200*^*00501*"
        f"{control:09d}*0*T*:"
    )
    gs = f"GS*HC*CLAIMEDITTEST*TESTRECEIVER*20260115*1200*{control}*X*005010X222A1"
    return "~\n".join([isa, gs, *body, f"GE*1*{control}", f"IEA*1*{control:09d}"]) + "~\n"
