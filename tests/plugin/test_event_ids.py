"""Event ids are the UUIDv5 of the event type and idempotency key, written without building a UUID object."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from claimedit.service.events import event_id_for
from claimedit.service.headers import key_for

NAMESPACE = uuid.UUID("6f1d8a52-3c4e-4d0b-9a57-0c8e2f7b1d43")
EVENT_TYPES = ["claim.annotated", "claim.rejected", "group.acknowledged", "dead-letter"]


def test_event_id_is_the_uuid5_of_type_and_key_for_many_keys() -> None:
    keys = [key_for("claim", "000000001", "1", "0001", f"PCN{number}", number, "ab" * 32) for number in range(5000)]

    ours = [event_id_for(event_type, key) for key in keys for event_type in EVENT_TYPES]

    assert ours == [str(uuid.uuid5(NAMESPACE, f"{kind}|{key}")) for key in keys for kind in EVENT_TYPES]
    assert len(set(ours)) == len(ours)


@given(st.text(max_size=40), st.text(max_size=80))
def test_event_id_is_the_uuid5_of_any_text(event_type: str, key: str) -> None:
    try:
        expected = str(uuid.uuid5(NAMESPACE, f"{event_type}|{key}"))
    except UnicodeEncodeError:  # a lone surrogate: uuid5 refuses it, and so do we
        expected = None
    try:
        ours: str | None = event_id_for(event_type, key)
    except UnicodeEncodeError:
        ours = None

    assert ours == expected
