"""The reader builds models without re-validating them: they must equal validated models of the same data."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.x12.reader import read_claims
from claimedit_edits.model import Claim, Person, safe_dump

from .conftest import fixture_files

CLEAN_AND_BROKEN = [path for path in fixture_files() if path.parent.name in ("clean", "broken", "edits")]


@pytest.mark.parametrize("path", CLEAN_AND_BROKEN, ids=[f"{p.parent.name}/{p.name}" for p in CLEAN_AND_BROKEN])
def test_trusted_claims_equal_validated_claims(path: Path) -> None:
    claims = read_claims(path.read_bytes())
    assert claims
    for claim in claims:
        assert claim == Claim.model_validate(claim.model_dump())


def test_trusted_claims_keep_phi_out_of_repr_and_safe_dump() -> None:
    path = next(p for p in CLEAN_AND_BROKEN if "patient_loop" in p.name)
    claim = next(c for c in read_claims(path.read_bytes()) if c.patient is not None)
    assert claim.patient is not None
    assert claim.patient.last_name
    assert claim.subscriber.member_id
    text = repr(claim) + str(safe_dump(claim))
    for value in (claim.patient.last_name, claim.subscriber.member_id, claim.subscriber.last_name):
        assert value is not None
        assert value not in text
    assert {"last_name", "member_id", "date_of_birth", "address_line1"} <= {
        name for name, info in Person.model_fields.items() if not info.repr
    }
