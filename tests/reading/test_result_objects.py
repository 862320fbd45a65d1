"""The result objects built in one step are the frozen dataclasses they declare: same fields, defaults and equality."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from claimedit_test_support import REPO

from claimedit.results import ClaimResult, GroupAck, InputResult, TransactionLocation
from claimedit.x12.parsed import ClaimSegments
from claimedit.x12.reader import read_claims

SINGLE = REPO / "x12_fixtures" / "clean" / "single_claim_premalignant_medicare.x12"


def _examples() -> list[tuple[object, dict[str, object]]]:
    claim = read_claims(SINGLE.read_bytes())[0]
    location = {"source": "f", "interchange_control": "1", "group_control": "2", "transaction_control": "3"}
    ack = {"interchange_control": "1", "group_control": "2", "accepted": True, "ack_code": "A", "x12": "ISA~"}
    return [
        (TransactionLocation("f", "1", "2", "3", 7), {**location, "segment_index": 7}),
        (
            TransactionLocation(source="f"),
            {
                "source": "f",
                "interchange_control": "",
                "group_control": "",
                "transaction_control": "",
                "segment_index": None,
            },
        ),
        (ClaimResult(claim, ()), {"claim": claim, "findings": (), "segments": ClaimSegments()}),
        (GroupAck("1", "2", True, "A", "ISA~"), ack),
        (
            InputResult("f", clm_segments_seen=2),
            {"source": "f", "claims": (), "unreadable": (), "acks": (), "clm_segments_seen": 2, "shared": ()},
        ),
    ]


@pytest.mark.parametrize("index", range(5))
def test_every_field_holds_what_it_was_given_or_its_default(index: int) -> None:
    built, expected = _examples()[index]
    assert {field.name: getattr(built, field.name) for field in dataclasses.fields(built)} == expected  # type: ignore[arg-type]
    assert built == type(built)(**expected)


@pytest.mark.parametrize("index", range(5))
def test_a_result_stays_frozen_and_is_copied_by_replace_and_pickle(index: int) -> None:
    built, _ = _examples()[index]
    name = dataclasses.fields(built)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, name, "changed")
    assert pickle.loads(pickle.dumps(built)) == built
    assert getattr(dataclasses.replace(built, **{name: "changed"}), name) == "changed"  # type: ignore[type-var]
