"""Claims for the history tests, written as real 005010X222A1 text and read with the reader.

Fictional data only: one billing provider, patients told apart by their member id.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimedit_case_interchange import group_interchange, segments

from claimedit.x12.reader import read_claims
from claimedit_edits.model import Claim

PATIENT_NAME = "TESTPATIENT"
PATIENT_FIRST = "QUENTINA"
MEMBER_ID = "TESTMBR7001"
BIRTH_DATE = "19500101"
STREET = "1 FICTION LANE"
CITY = "ANYTOWN"


def _subscriber(hl: int, member_id: str) -> list[str]:
    return [
        f"HL*{hl}*1*22*0",
        "SBR*P*18*******MB",
        f"NM1*IL*1*{PATIENT_NAME}*{PATIENT_FIRST}****MI*{member_id}",
        f"N3*{STREET}",
        f"N4*{CITY}*OH*430000001",
        f"DMG*D8*{BIRTH_DATE}*F",
        "NM1*PR*2*FICTIONAL MEDICARE CONTRACTOR*****PI*00120",
    ]


def interchange(blocks: Sequence[str], *, member_id: str = MEMBER_ID, control: int = 1) -> str:
    """One interchange whose claims (2300 blocks, one segment a line) all belong to one patient."""
    return group_interchange(
        ([*_subscriber(index + 2, member_id), *segments(block)] for index, block in enumerate(blocks)),
        control=control,
        reference="HIST",
    )


def claim(block: str, *, member_id: str = MEMBER_ID) -> Claim:
    found = read_claims(interchange([block], member_id=member_id), source="history-test")
    assert len(found) == 1
    return found[0]


def visit(
    claim_id: str,
    code: str = "99213",
    day: str = "20250304",
    *,
    modifiers: str = "",
    units: int = 1,
    frequency: str = "1",
    original: str = "",
) -> str:
    """A one-line claim block (charge 100)."""
    composite = f"HC:{code}" + (f":{modifiers}" if modifiers else "")
    reference = f"\nREF*F8*{original}" if original else ""
    return (
        f"CLM*{claim_id}*100***11:B:{frequency}*Y*A*Y*Y{reference}\nHI*ABK:L570\nLX*1\n"
        f"SV1*{composite}*100*UN*{units}***1\nDTP*472*D8*{day}"
    )
