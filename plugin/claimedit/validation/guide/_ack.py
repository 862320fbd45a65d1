"""The accepting 999 of each group of a clean interchange, written the way pyx12's error_999 visitor writes it.

pyx12 writes one 999 interchange with an ST per acknowledged group (``~ * :`` delimiters whatever the
input's): ISA with the input's sender and receiver swapped, GS*FA, then per group ST*999, AK1, an AK2 and
IK5*A per transaction, AK9*A and SE. ``split_999`` (claimedit.validation.pyx12) cuts it into one enveloped
999 per group (GE*1 and IEA*1 added); this module writes those directly. Dates, times and control numbers
come from the clock and a random number as in pyx12: they are the only parts that differ.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from claimedit.results import GroupAck

__all__ = ["GroupSeen", "accepting_acks"]

_VRIIC = "005010X231"


@dataclass
class GroupSeen:
    """What the 999 of one group repeats from its GS, STs and GE."""

    fic: str
    sender: str
    receiver: str
    control: str
    agency: str
    version: str
    transactions: list[tuple[str, str, str]] = field(default_factory=list)
    """(ST01, ST02, ST03) of each transaction."""
    declared: int = 0
    """GE01."""


def _format(elements: list[str]) -> str:
    """pyx12's ``Segment.format``: trailing empty elements dropped."""
    while len(elements) > 1 and elements[-1] == "":
        elements.pop()
    return "*".join(elements)


_CLOCK: list[tuple[int, tuple[str, ...]]] = [(-1, ())]
"""The last second the clock was read and its date and time fields (most inputs of a busy second share them)."""


def _clock() -> tuple[str, ...]:
    """The date and time fields pyx12 writes, from one reading of the clock (pyx12 reads it for each), formatted
    once a second: ``time.strftime`` cost more than a microsecond per input."""
    now = time.time()
    second = int(now)
    cached_second, fields = _CLOCK[0]
    if second != cached_second:
        fields = tuple(time.strftime("%y%m%d %H%M %Y%m%d %H%M%S", time.localtime(now)).split())
        _CLOCK[0] = (second, fields)
    return fields


def accepting_acks(isa: list[str], groups: list[GroupSeen]) -> list[GroupAck]:
    """``isa`` is the input ISA's elements (``isa[0]`` is "ISA").

    Written as one string per segment: where ``_format`` would drop nothing (the last element is never empty:
    the ISA's fixed width, the GS's, AK1's and AK9's values checked clean), the elements are joined directly.
    """
    yymmdd, hhmm, yyyymmdd, hhmmss = _clock()
    isa_control = (yymmdd + hhmm)[1:]
    gs_control = f"{random.randint(10000000, 999999999)}"  # noqa: S311  (pyx12's own choice; not a secret)
    header = (
        f"ISA*00*          *00*          *{isa[7]}*{isa[8]}*{isa[5]}*{isa[6]}*{yymmdd}*{hhmm}*^*{isa[12]}"
        f"*{isa_control}*0*{isa[15]}*:~"
    )
    last = groups[-1]  # pyx12 takes the GS of the group it read last
    gs = (
        f"GS*FA*{last.receiver.rstrip()}*{last.sender.rstrip()}*{yyyymmdd}*{hhmmss}*{gs_control}*{last.agency}*{_VRIIC}"
    )
    trailer = f"GE*1*{gs_control}~IEA*1*{isa_control}~"
    return [
        GroupAck(
            interchange_control="",
            group_control=group.control,
            accepted=True,
            ack_code="A",
            x12=f"{header}{gs}~{_group_body(number, group)}{trailer}",
        )
        for number, group in enumerate(groups, start=1)
    ]


def _group_body(number: int, group: GroupSeen) -> str:
    """ST through SE of one group's 999, each segment with its terminator."""
    st_control = f"{number:04d}"
    body = [
        f"ST*999*{st_control}*{_VRIIC}",
        _format(["AK1", group.fic, group.control, group.version]),
    ]
    for st01, st02, st03 in group.transactions:
        body.append(_format(["AK2", st01, st02.strip(), st03]))
        body.append("IK5*A")
    count = len(group.transactions)
    body.append(f"AK9*A*{group.declared}*{count}*{count}")
    body.append(f"SE*{len(body) + 1}*{st_control}")
    return "~".join(body) + "~"
