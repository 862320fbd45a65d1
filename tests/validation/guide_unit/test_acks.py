"""The accepting 999s of a clean interchange are pyx12's byte for byte, its clock and random numbers set aside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from claimedit_test_support import REPO, bench_generator

from claimedit.results import GroupAck

CLEAN = sorted((REPO / "x12_fixtures" / "clean").glob("*.x12"))
_STAMPED = {"ISA": (9, 10, 13), "GS": (4, 5, 6), "GE": (2,), "IEA": (2,)}
"""ISA09/ISA10, ISA13, GS04/GS05, GS06, GE02, IEA02: dates, times and control numbers pyx12 makes up."""


def normalised(ack: GroupAck) -> tuple[str, str, bool, str, str]:
    segments = []
    for segment in ack.x12.split("~"):
        elements = segment.split("*")
        for position in _STAMPED.get(elements[0], ()):
            elements[position] = "#"
        segments.append("*".join(elements))
    return (ack.interchange_control, ack.group_control, ack.accepted, ack.ack_code, "~".join(segments))


GENERATED = "generated: 25 claims in 3 transactions"


def _source(name: str) -> bytes | str:
    if name == GENERATED:
        return bench_generator().build_interchange(25, seed=3, claims_per_transaction=10)
    return (REPO / "x12_fixtures" / "clean" / name).read_bytes()


@pytest.mark.parametrize("name", [*(path.name for path in CLEAN), GENERATED])
def test_guide_acks_equal_pyx12_acks_but_for_dates_and_control_numbers(
    name: str, pyx12_texts: Callable[[bytes | str], list[str]], verdicts: Callable[[str], Any]
) -> None:
    for text in pyx12_texts(_source(name)):
        found = verdicts(text)
        assert found.guide_clean
        assert [normalised(ack) for ack in found.pyx12_acks] == [normalised(ack) for ack in found.guide_acks]


def test_an_interchange_cut_before_its_iea_has_no_acks_and_is_not_clean(
    pyx12_texts: Callable[[bytes | str], list[str]], verdicts: Callable[[str], Any]
) -> None:
    text = pyx12_texts((REPO / "x12_fixtures/clean/single_claim_premalignant_medicare.x12").read_bytes())[0]
    cut = text[: text.index("IEA*")]
    found = verdicts(cut)
    assert ([], False, False) == (found.guide_acks, found.guide_clean, found.pyx12_clean)
