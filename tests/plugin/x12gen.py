"""Synthetic, PHI-laden 837P interchanges for the plugin tests and the broker benchmark.

Every name, date of birth, member id and address is invented here and recognisable, so a test can
look for it in logs and events. Claims cycle through three shapes: a clean actinic keratosis
destruction, one whose CLM02 does not match its lines (a balancing error: rejected), and one with a
patient loop below the subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PHI_VALUES", "SyntheticClaim", "interchange", "synthetic_claims"]

PHI_VALUES: tuple[str, ...] = (
    "ZYXWVUTSON",
    "QUINCEYNA",
    "PATIENTSURNAME",
    "ELMSTREET",
    "PHIVILLE",
    "19510203",
    "19700415",
    "MEMBERPHI",
    "62799",
)
"""Strings that only appear in the PHI fields of the synthetic claims (names, DOB, member ids, addresses)."""


@dataclass(frozen=True)
class SyntheticClaim:
    claim_id: str
    rejected: bool
    with_patient: bool


def synthetic_claims(count: int, *, prefix: str = "PCN", start: int = 0) -> list[SyntheticClaim]:
    """``count`` claims cycling through the clean, out-of-balance and patient-loop shapes."""
    claims = []
    for number in range(start, start + count):
        shape = number % 3
        claims.append(SyntheticClaim(f"{prefix}{number:07d}", rejected=shape == 1, with_patient=shape == 2))
    return claims


def _claim_segments(claim: SyntheticClaim, hl: int, index: int) -> list[str]:
    member = f"MEMBERPHI{index:05d}"
    subscriber_hl = hl
    segments = [
        f"HL*{subscriber_hl}*1*22*{1 if claim.with_patient else 0}",
        f"SBR*P*{'' if claim.with_patient else '18'}*******CI",
        "NM1*IL*1*ZYXWVUTSON*QUINCEYNA****MI*" + member,
        "N3*12 ELMSTREET",
        "N4*PHIVILLE*IL*62799",
        "DMG*D8*19510203*F",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01",
    ]
    if claim.with_patient:
        segments += [
            f"HL*{subscriber_hl + 1}*{subscriber_hl}*23*0",
            "PAT*19",
            "NM1*QC*1*PATIENTSURNAME*QUINCEYNA",
            "N3*12 ELMSTREET",
            "N4*PHIVILLE*IL*62799",
            "DMG*D8*19700415*M",
        ]
    total = "175" if claim.rejected else "150"
    segments += [
        f"CLM*{claim.claim_id}*{total}***11:B:1*Y*A*Y*Y",
        "HI*ABK:L570",
        "LX*1",
        "SV1*HC:17000*150*UN*1***1",
        "DTP*472*D8*20260105",
        f"REF*6R*L{index:07d}",
    ]
    return segments


def interchange(claims: list[SyntheticClaim], *, control: int = 1, submitter: str = "SUBMITTER01") -> str:
    """One ISA/GS/ST interchange holding ``claims``, with segments separated by ``~`` and a newline."""
    isa_control = f"{control:09d}"
    body = [
        "ST*837*0001*005010X222A1",
        f"BHT*0019*00*BATCH{control:05d}*20260110*1200*CH",
        f"NM1*41*2*DERM BILLING SERVICE*****46*{submitter}",
        "PER*IC*BILLING DESK*TE*5555550100",
        "NM1*40*2*ACME HEALTH PLAN*****46*RECEIVER01",
        "HL*1**20*1",
        "PRV*BI*PXC*207N00000X",
        "NM1*85*2*SKIN CLINIC LLC*****XX*1234567893",
        "N3*100 CLINIC WAY",
        "N4*SPRINGFIELD*IL*627010000",
        "REF*EI*123456789",
    ]
    hl = 2
    for index, claim in enumerate(claims):
        body += _claim_segments(claim, hl, index)
        hl += 2 if claim.with_patient else 1
    body.append(f"SE*{len(body) + 1}*0001")
    isa = f"ISA*00*{'':10}*00*{'':10}*ZZ*{submitter:<15}*ZZ*{'RECEIVER01':<15}*260110*1200*^*00501*{isa_control}*0*T*:"
    segments = [isa, f"GS*HC*{submitter}*RECEIVER01*20260110*1200*{control}*X*005010X222A1", *body]
    segments += ["GE*1*" + str(control), f"IEA*1*{isa_control}"]
    return "~\n".join(segments) + "~\n"
