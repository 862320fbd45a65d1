"""A rejecting 999 for a functional group pyx12 gives no 999 for.

pyx12 writes the 999 of every 837P 5010 group it validates. Two kinds of group still deserve an
answer, so that a clearinghouse never waits for an acknowledgment that will not come:
- a group claimedit does not process (4010, 837I, other transaction sets): each of its transactions
  is rejected with IK5*R*1 (transaction set not supported);
- a group pyx12 failed on while validating (a malformed segment it cannot walk): IK5*R*5 (one or
  more segments in error).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from claimedit.results import GroupAck
from claimedit.x12.tokens import Segment

__all__ = ["NOT_SUPPORTED", "SEGMENTS_IN_ERROR", "rejecting_group_ack"]

_IMPLEMENTATION = "005010X231"
NOT_SUPPORTED = "1"
"""IK502: transaction set not supported."""
SEGMENTS_IN_ERROR = "5"
"""IK502: one or more segments in error."""


def rejecting_group_ack(
    *, isa: Segment, gs: Segment, transactions: list[Segment], reason: str, now: dt.datetime | None = None
) -> GroupAck:
    """The 999 rejecting every transaction (ST segments given) of the group opened by ``gs``, IK502 ``reason``."""
    moment = now or dt.datetime.now(dt.UTC)
    control = _control_number(isa.get(13), gs.get(6))
    body = [
        f"ST*999*0001*{_IMPLEMENTATION}",
        f"AK1*{gs.get(1)}*{gs.get(6)}*{gs.get(8)}",
    ]
    for st in transactions:
        body += [f"AK2*{st.get(1)}*{st.get(2)}*{st.get(3) or gs.get(8)}", f"IK5*R*{reason}"]
    body += [f"AK9*R*{len(transactions)}*{len(transactions)}*0", f"SE*{len(body) + 2}*0001"]
    isa_segment = "*".join(
        [
            "ISA", "00", " " * 10, "00", " " * 10,
            isa.get(7).ljust(2)[:2], isa.get(8).ljust(15)[:15],
            isa.get(5).ljust(2)[:2], isa.get(6).ljust(15)[:15],
            moment.strftime("%y%m%d"), moment.strftime("%H%M"), "^", "00501", control, "0",
            isa.get(15) or "P", ":",
        ]
    )  # fmt: skip
    segments = [
        isa_segment,
        f"GS*FA*{gs.get(3)}*{gs.get(2)}*{moment.strftime('%Y%m%d')}*{moment.strftime('%H%M')}*{int(control)}*X*"
        f"{_IMPLEMENTATION}",
        *body,
        f"GE*1*{int(control)}",
        f"IEA*1*{control}",
    ]
    return GroupAck(
        interchange_control=isa.get(13).strip(),
        group_control=gs.get(6),
        accepted=False,
        ack_code="R",
        x12="~".join(segments) + "~",
    )


def _control_number(isa_control: str, gs_control: str) -> str:
    """Nine digits derived from the acknowledged envelope: the same input always gets the same number."""
    digest = hashlib.sha256(f"{isa_control.strip()}/{gs_control}".encode()).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 999_999_999 + 1:09d}"
