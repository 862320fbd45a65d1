"""The history store on SQLite and on the real PostgreSQL: what it recalls, what it writes, once."""

from __future__ import annotations

import datetime as dt

import pytest
from claimedit_history_claims import BIRTH_DATE, CITY, MEMBER_ID, PATIENT_FIRST, PATIENT_NAME, STREET, claim, visit
from sqlalchemy import select

from claimedit.history.store import HistorySchemaError, HistoryStore
from claimedit.history.tables import claims, lines

from .conftest import SECRET, Clock


def _record(store: HistoryStore, block: str, key: str, verdict: str = "accepted", member_id: str = MEMBER_ID) -> None:
    with store.recall(claim(block, member_id=member_id), key) as recall:
        recall.record(verdict)  # type: ignore[arg-type]


def _recalled(store: HistoryStore, block: str, key: str, member_id: str = MEMBER_ID) -> list[str]:
    with store.recall(claim(block, member_id=member_id), key) as recall:
        return [prior.claim_id for prior in recall.claims_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]


def _count(store: HistoryStore) -> tuple[int, int]:
    stats = store.stats()
    return stats.claims, stats.lines


def test_an_earlier_claim_of_the_same_patient_is_recalled(store: HistoryStore) -> None:
    _record(store, visit("FIRST"), "k1")
    assert ["FIRST"] == _recalled(store, visit("SECOND"), "k2")


def test_claims_of_another_patient_are_not_recalled(store: HistoryStore) -> None:
    _record(store, visit("FIRST"), "k1", member_id="TESTMBR9999")
    assert [] == _recalled(store, visit("SECOND"), "k2")


def test_rejected_claims_are_not_recalled(store: HistoryStore) -> None:
    _record(store, visit("FIRST"), "k1", verdict="rejected")
    assert [] == _recalled(store, visit("SECOND"), "k2")


def test_a_redelivery_is_written_once_and_never_its_own_earlier_claim(store: HistoryStore) -> None:
    _record(store, visit("FIRST"), "same-key")
    with store.recall(claim(visit("FIRST")), "same-key") as recall:
        seen = recall.claims_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        recall.record("accepted")
    assert ([], (1, 1)) == (list(seen), _count(store))


def test_a_redelivery_sees_only_what_its_first_delivery_saw(store: HistoryStore) -> None:
    _record(store, visit("FIRST"), "k1")
    _record(store, visit("SECOND"), "k2")
    _record(store, visit("THIRD"), "k3")
    assert ["FIRST"] == _recalled(store, visit("SECOND"), "k2")


def test_a_replacement_removes_the_original_and_is_not_compared_with_it(store: HistoryStore) -> None:
    _record(store, visit("ORIG", units=2), "k1")
    replacement = visit("ORIG", frequency="7", original="ORIG")
    assert [] == _recalled(store, replacement, "k2")
    _record(store, replacement, "k2")
    with store.engine.connect() as conn:
        kept = conn.execute(select(claims.c.claim_id, claims.c.frequency_code, lines.c.units).join(lines)).all()
    assert [("ORIG", "7", 1)] == [tuple(row) for row in kept]


def test_a_replacement_matched_on_the_payer_claim_control_number(store: HistoryStore) -> None:
    _record(store, visit("ORIG-A"), "k1")
    _record(store, visit("NEW-ID", frequency="7", original="ORIG-A"), "k2")
    assert ["NEW-ID"] == _recalled(store, visit("LATER"), "k3")


def test_a_void_removes_the_original_and_keeps_no_lines(store: HistoryStore) -> None:
    _record(store, visit("ORIG"), "k1")
    _record(store, visit("ORIG", frequency="8", original="ORIG"), "k2")
    assert ([], (1, 0)) == (_recalled(store, visit("LATER"), "k3"), _count(store))


def test_a_rejected_replacement_leaves_the_original(store: HistoryStore) -> None:
    _record(store, visit("ORIG"), "k1")
    _record(store, visit("ORIG", frequency="7", original="ORIG"), "k2", verdict="rejected")
    assert ["ORIG"] == _recalled(store, visit("LATER"), "k3")


def test_purge_deletes_claims_older_than_the_window(store: HistoryStore, clock: Clock) -> None:
    _record(store, visit("OLD"), "k1")
    clock.now += dt.timedelta(days=300)
    _record(store, visit("NEW"), "k2")
    clock.now += dt.timedelta(days=200)
    deleted = store.purge(400)
    assert (1, ["NEW"]) == (deleted, _recalled(store, visit("LATER"), "k3"))


def test_stats_count_claims_lines_patients_and_verdicts(store: HistoryStore) -> None:
    _record(store, visit("A"), "k1")
    _record(store, visit("B"), "k2", verdict="rejected")
    _record(store, visit("C"), "k3", member_id="TESTMBR9999")
    stats = store.stats().as_dict()
    expected = {"claims": 3, "lines": 3, "patients": 2, "by_verdict": {"accepted": 2, "rejected": 1}, "schema": "0001"}
    assert expected == {key: stats[key] for key in expected}


def test_no_name_member_id_birth_date_or_address_is_stored(store: HistoryStore) -> None:
    _record(store, visit("A"), "k1")
    _record(store, visit("B", code="17000"), "k2")
    stored: list[str] = []
    with store.engine.connect() as conn:
        for table in (claims, lines):
            for row in conn.execute(select(table)):
                stored.extend(str(value).upper() for value in row)
    phi = [PATIENT_NAME, PATIENT_FIRST, MEMBER_ID, BIRTH_DATE, "1950-01-01", STREET, CITY, "430000001"]
    leaked = [value for value in phi if any(value in cell for cell in stored)]
    assert ([], True) == (leaked, any("17000" in cell for cell in stored))


def test_an_unmigrated_database_is_refused_with_the_command_to_run(history_url: str) -> None:
    with pytest.raises(HistorySchemaError) as raised:
        HistoryStore.open(history_url, SECRET)
    assert "run `claimedit history migrate --history " in str(raised.value)


def test_migrate_twice_keeps_the_head(history_url: str) -> None:
    store = HistoryStore.open(history_url, SECRET, check=False)
    first, second = store.migrate(), store.migrate()
    store.close()
    assert ((None, "0001"), ("0001", "0001")) == (first, second)


def test_a_claim_sees_the_claims_recorded_before_it_in_its_batch(store: HistoryStore) -> None:
    first, second = claim(visit("FIRST")), claim(visit("SECOND"))
    with store.batch([(first, "k1"), (second, "k2")]) as batch:
        batch.recall(0).record("accepted")
        recall = batch.recall(1)
        seen = [prior.claim_id for prior in recall.claims_between(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
        recall.record("accepted")
    assert (["FIRST"], (2, 2)) == (seen, _count(store))


def test_a_replacement_in_the_same_batch_removes_the_original_recorded_in_it(store: HistoryStore) -> None:
    original, replacement = claim(visit("ORIG")), claim(visit("ORIG", frequency="7", original="ORIG"))
    with store.batch([(original, "k1"), (replacement, "k2")]) as batch:
        batch.recall(0).record("accepted")
        batch.recall(1).record("accepted")
    with store.engine.connect() as conn:
        kept = conn.execute(select(claims.c.frequency_code)).scalars().all()
    assert ["7"] == kept
