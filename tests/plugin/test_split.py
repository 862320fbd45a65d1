"""A claim split out of a multi-claim interchange is its own valid 837P, holding that claim only."""

from __future__ import annotations

import pytest
import x12gen
from pyx12_check import pyx12_accepts

from claimedit.x12.reader import read_claims
from claimedit.x12.split import SplitError, split_claim
from claimedit_edits.model import Claim


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return read_claims(x12gen.interchange(x12gen.synthetic_claims(3), control=42), "three.x12")


def test_every_split_claim_is_a_valid_837p_per_pyx12(claims: list[Claim]) -> None:
    verdicts = [pyx12_accepts(split_claim(claim, 7 + index).x12) for index, claim in enumerate(claims)]

    assert [(valid, "IK5*A~" if "IK5*A~" in ack else ack) for valid, ack in verdicts] == [(True, "IK5*A~")] * 3


def test_split_reads_back_as_exactly_that_claim_with_its_payer_and_patient(claims: list[Claim]) -> None:
    with_patient = claims[2]

    again = read_claims(split_claim(with_patient, 99).x12, "split.x12")

    assert [with_patient.claim_id] == [claim.claim_id for claim in again]
    assert with_patient.payer == again[0].payer
    assert with_patient.patient == again[0].patient
    assert [line.model_dump(exclude={"segment_index"}) for line in with_patient.service_lines] == [
        line.model_dump(exclude={"segment_index"}) for line in again[0].service_lines
    ]


def test_split_has_new_control_numbers_and_renumbered_levels(claims: list[Claim]) -> None:
    split = split_claim(claims[1], 123)
    segments = split.x12.split("~")

    assert (split.interchange_control, split.group_control, split.transaction_control) == ("000000123", "123", "0001")
    assert segments[0].split("*")[13] == "000000123"
    assert [s for s in segments if s.startswith("HL*")] == ["HL*1**20*1", "HL*2*1*22*0"]


def test_split_is_deterministic_for_a_control_number(claims: list[Claim]) -> None:
    assert split_claim(claims[0], 5).x12 == split_claim(claims[0], 5).x12


def test_claim_without_its_subscriber_loop_is_split_with_the_loops_it_has(claims: list[Claim]) -> None:
    bare = claims[0].model_copy(update={"segments": claims[0].segments.model_copy(update={"subscriber": ()})})

    segments = split_claim(bare, 1).x12.split("~")

    assert ["HL*1**20*0"] == [s for s in segments if s.startswith("HL*")]
    assert [claims[0].claim_id] == [s.split("*")[1] for s in segments if s.startswith("CLM*")]


def test_a_control_number_beyond_isa13_is_refused(claims: list[Claim]) -> None:
    with pytest.raises(SplitError, match="does not fit ISA13"):
        split_claim(claims[0], 1_000_000_000)
