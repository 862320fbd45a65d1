"""The rejecting 999s claimedit writes: one per group it does not read, none when it reads every group."""

from __future__ import annotations

from claimedit.validation.ack999 import NOT_SUPPORTED
from claimedit.validation.acks import EnvelopeOutline, rejecting_group_acks
from claimedit.x12.tokens import find_delimiters, split_segments

ISA = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240801*1200*^*00501*000000001*0*T*:~"
TEXT = (
    ISA
    + "GS*HC*SUBMITTER*RECEIVER*20240801*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~GE*1*1~"
    + "GS*HC*SUBMITTER*RECEIVER*20240801*1200*2*X*004010X098A1~ST*837*0002*004010X098A1~SE*2*0002~GE*1*2~"
    + "IEA*2*000000001~"
)


def _outline() -> EnvelopeOutline:
    return EnvelopeOutline.of(split_segments(TEXT, find_delimiters(TEXT)))


def test_a_group_not_read_gets_a_rejecting_999() -> None:
    acks = rejecting_group_acks(_outline(), ["1"], supported=False, reason=NOT_SUPPORTED)
    assert [(ack.group_control, ack.accepted) for ack in acks] == [("2", False)]


def test_no_group_is_rejected_as_not_supported_when_every_group_is_read() -> None:
    assert rejecting_group_acks(_outline(), ["1", "2"], supported=False, reason=NOT_SUPPORTED) == []


def test_the_groups_read_are_rejected_when_asked_for_them() -> None:
    acks = rejecting_group_acks(_outline(), ["1", "2"], supported=True, reason=NOT_SUPPORTED)
    assert [ack.group_control for ack in acks] == ["1", "2"]
