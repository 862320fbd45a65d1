"""A claim split out of a multi-claim interchange is its own valid 837P, holding that claim only."""

from __future__ import annotations

from dataclasses import replace

import pytest
import x12gen
from pyx12_check import pyx12_accepts

from claimedit.x12.parsed import ParsedClaim
from claimedit.x12.reader import read_claims, read_parsed_claims
from claimedit.x12.split import SplitError, split_claim, split_frame


@pytest.fixture(scope="module")
def claims() -> list[ParsedClaim]:
    return read_parsed_claims(x12gen.interchange(x12gen.synthetic_claims(3), control=42), "three.x12")


def test_every_split_claim_is_a_valid_837p_per_pyx12(claims: list[ParsedClaim]) -> None:
    verdicts = [
        pyx12_accepts(split_claim(item.claim, item.segments, 7 + index).x12) for index, item in enumerate(claims)
    ]

    assert [(valid, "IK5*A~" if "IK5*A~" in ack else ack) for valid, ack in verdicts] == [(True, "IK5*A~")] * 3


def test_split_reads_back_as_exactly_that_claim_with_its_payer_and_patient(claims: list[ParsedClaim]) -> None:
    with_patient, raw = claims[2].claim, claims[2].segments

    again = read_claims(split_claim(with_patient, raw, 99).x12, "split.x12")

    assert [with_patient.claim_id] == [claim.claim_id for claim in again]
    assert with_patient.payer == again[0].payer
    assert with_patient.patient == again[0].patient
    assert [line.model_dump(exclude={"segment_index"}) for line in with_patient.service_lines] == [
        line.model_dump(exclude={"segment_index"}) for line in again[0].service_lines
    ]


def test_split_has_new_control_numbers_and_renumbered_levels(claims: list[ParsedClaim]) -> None:
    split = split_claim(claims[1].claim, claims[1].segments, 123)
    segments = split.x12.split("~")

    assert (split.interchange_control, split.group_control, split.transaction_control) == ("000000123", "123", "0001")
    assert segments[0].split("*")[13] == "000000123"
    assert [s for s in segments if s.startswith("HL*")] == ["HL*1**20*1", "HL*2*1*22*0"]


def test_split_is_deterministic_for_a_control_number(claims: list[ParsedClaim]) -> None:
    claim, raw = claims[0].claim, claims[0].segments

    assert split_claim(claim, raw, 5).x12 == split_claim(claim, raw, 5).x12


def test_claim_without_its_subscriber_loop_is_split_with_the_loops_it_has(claims: list[ParsedClaim]) -> None:
    bare = replace(claims[0].segments, subscriber=())

    segments = split_claim(claims[0].claim, bare, 1).x12.split("~")

    assert ["HL*1**20*0"] == [s for s in segments if s.startswith("HL*")]
    assert [claims[0].claim.claim_id] == [s.split("*")[1] for s in segments if s.startswith("CLM*")]


def test_a_control_number_beyond_isa13_is_refused(claims: list[ParsedClaim]) -> None:
    with pytest.raises(SplitError, match="does not fit ISA13"):
        split_claim(claims[0].claim, claims[0].segments, 1_000_000_000)


def test_a_frame_of_the_claims_transaction_gives_the_split_written_without_one(claims: list[ParsedClaim]) -> None:
    frame = split_frame(claims[0].claim.envelope, claims[0].segments)

    framed = [split_claim(item.claim, item.segments, 7, frame) for item in claims]

    assert framed == [split_claim(item.claim, item.segments, 7) for item in claims]


def test_a_split_frame_of_another_envelope_or_delimiters_is_not_used(claims: list[ParsedClaim]) -> None:
    other = read_parsed_claims(x12gen.interchange(x12gen.synthetic_claims(1), control=9, submitter="OTHER"), "o.x12")
    item = claims[0]
    frames = [
        split_frame(other[0].claim.envelope, other[0].segments),
        split_frame(item.claim.envelope, replace(item.segments, element_separator="|")),
        split_frame(item.claim.envelope, replace(item.segments, repetition_separator="!")),
    ]

    texts = [split_claim(item.claim, item.segments, 7, frame).x12 for frame in frames]

    assert texts == [split_claim(item.claim, item.segments, 7).x12] * len(frames)
