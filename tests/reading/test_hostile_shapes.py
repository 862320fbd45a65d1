"""The hostile inputs of issue 8, at sizes that took seconds to minutes before: every claim accounted for,
findings stated once per scope, shapes beyond the guide rejected before pyx12, and a 999 for each group.

The shapes come from bench/bench_hostile.py, which times them at 1x and 4x.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from types import ModuleType

import pytest

from claimedit.pipeline import SHARED_ON_EACH_CLAIM, STRAY_FOR_PYX12, Pipeline
from claimedit.replay_output import result_lines
from claimedit.results import InputResult

from .conftest import REPO

pytestmark = pytest.mark.timeout(300)


def _shapes() -> ModuleType:
    name = "claimedit_bench_hostile"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "bench_hostile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


SHAPES = _shapes()


def _accounting(result: InputResult) -> tuple[int, int]:
    return result.claims_accounted, result.clm_segments_seen


def _ack_segments(result: InputResult) -> list[str]:
    return [segment for ack in result.acks for segment in ack.x12.split("~") if segment.startswith(("IK5", "AK9"))]


def test_stray_segments_after_1600_claims_are_stated_once_not_on_every_claim(pipeline: Pipeline) -> None:
    result = pipeline.process(SHAPES.stray_segments(1600), "stray.x12")

    assert (1600, 1600) == _accounting(result)
    assert 1600 == len(result.claims)
    per_claim = {len(item.findings) for item in result.claims}
    assert max(per_claim) <= 4 * SHARED_ON_EACH_CLAIM + 4
    scopes = {shared.scope: shared for shared in result.shared}
    assert ["interchange"] == sorted(scopes)
    interchange = scopes["interchange"]
    assert 1600 == interchange.claims
    stray = [finding for finding in interchange.findings if finding.code == "SYN005"]
    assert SHARED_ON_EACH_CLAIM + 1 == len(stray)
    assert "1580 more segments stand outside any transaction" in stray[-1].message
    assert {"SYN011"} <= {finding.code for finding in result.claims[0].findings}
    assert {"rejected"} == {item.verdict for item in result.claims}


def test_a_shared_row_comes_after_the_claims_in_the_replay(pipeline: Pipeline) -> None:
    lines = result_lines(pipeline.process(SHAPES.stray_segments(40), "stray.x12"))

    assert Counter({"rejected": 40, "shared": 1}) == Counter(line["verdict"] for line in lines)
    shared = lines[-1]
    assert ("interchange", 40, None) == (shared["scope"], shared["claims_referencing"], shared["claim_id"])
    assert 21 == sum(1 for finding in shared["findings"] if finding["code"] == "SYN005")
    reference = [finding for finding in lines[0]["findings"] if finding["code"] == "SYN011"]
    assert [shared["location"]] == [finding["location"] for finding in reference]


def test_4000_nested_hl_levels_are_rejected_before_pyx12_with_a_999(pipeline: Pipeline) -> None:
    result = pipeline.process(SHAPES.deep_hl(4000), "deep.x12")

    assert (1, 1) == _accounting(result)
    assert [] == list(result.claims)
    [unreadable] = result.unreadable
    [finding] = [finding for finding in unreadable.findings if finding.code == "SYN010"]
    assert "hierarchical level 4 deep" in finding.message
    assert finding.location is not None
    assert finding.location.endswith("segment 16 (HL)")  # ISA GS ST, 4 header, HL 20 + 5, HL 22, HL 23, HL 23
    assert ["IK5*R*5", "AK9*R*1*1*0"] == _ack_segments(result)


@pytest.mark.parametrize(
    ("shape", "size", "expected"),
    [
        ("many_service_lines", 4000, "service line 51 of one claim; 005010X222A1 allows 50"),
        ("many_claims_one_hl", 4000, "claim 101 under one subscriber or patient (HL); 005010X222A1 allows 100"),
        ("tiny_segments_inside", 1_000_000, "More than 1000 segments stand in one loop"),
    ],
)
def test_counts_beyond_the_guide_reject_the_transaction_early(
    pipeline: Pipeline, shape: str, size: int, expected: str
) -> None:
    make, _ = SHAPES.SHAPES[shape]

    result = pipeline.process(make(size), f"{shape}.x12")

    claims = size if shape == "many_claims_one_hl" else 1
    assert (claims, claims) == _accounting(result)
    [unreadable] = result.unreadable
    assert claims == unreadable.claims_inside
    [finding] = [finding for finding in unreadable.findings if finding.code == "SYN010"]
    assert expected in finding.message
    assert ["IK5*R*5", "AK9*R*1*1*0"] == _ack_segments(result)


def test_a_million_empty_segments_are_counted_not_listed(pipeline: Pipeline) -> None:
    result = pipeline.process(SHAPES.tiny_segments_empty(1_000_000), "empty.x12")

    assert (1, 1) == _accounting(result)
    [claim] = result.claims
    empties = [finding for finding in claim.findings if finding.code == "SYN004"]
    assert SHARED_ON_EACH_CLAIM == len(empties)
    [shared] = result.shared
    assert ("transaction", SHARED_ON_EACH_CLAIM + 1) == (
        shared.scope,
        sum(1 for finding in shared.findings if finding.code == "SYN004"),
    )
    assert "999980 more empty segments" in shared.findings[SHARED_ON_EACH_CLAIM].message
    assert ["IK5*R*5", "AK9*R*1*1*0"] == _ack_segments(result)


def test_a_million_stray_segments_give_pyx12_twenty_and_the_reader_a_count(pipeline: Pipeline) -> None:
    result = pipeline.process(SHAPES.tiny_segments_stray(1_000_000), "stray.x12")

    assert (1, 1) == _accounting(result)
    scopes = {shared.scope: shared for shared in result.shared}
    assert ["interchange", "transaction"] == sorted(scopes)  # pyx12 puts the first 20 in the last transaction
    stray = scopes["interchange"].findings
    assert "999980 more segments stand outside any transaction" in stray[SHARED_ON_EACH_CLAIM].message
    ik3_positions = {segment.split("*")[2] for segment in result.acks[0].x12.split("~") if segment.startswith("IK3*")}
    assert STRAY_FOR_PYX12 == len(ik3_positions)


def test_thousands_of_groups_each_get_a_999_and_a_repeated_control_number_is_still_caught(pipeline: Pipeline) -> None:
    text = SHAPES.many_groups(8000).replace("*0930*3*X*", "*0930*2*X*", 1)

    result = pipeline.process(text, "groups.x12")

    assert 8000 == len(result.acks)
    assert Counter({"A": 7999, "R": 1}) == Counter(ack.ack_code for ack in result.acks)
