"""The bounds of one input: size, element length and CPU time, and the 999s read from headers alone."""

from __future__ import annotations

import os

import pytest
import x12gen

from claimedit.service.limits import BudgetExceeded, Limits, cpu_budget, over_size, rejecting_acks
from claimedit.service.settings import SettingsError, load_settings


def _with_claim_id(claim_id: str, control: int = 1) -> bytes:
    return x12gen.interchange(x12gen.synthetic_claims(1, prefix=claim_id), control=control).encode()


@pytest.mark.parametrize(("extra", "over"), [(0, False), (1, True)])
def test_an_element_is_over_size_only_beyond_max_element_length(extra: int, over: bool) -> None:
    body = _with_claim_id("C" * (100 - 7 + extra))  # synthetic claim ids end in 7 digits

    result = over_size(body, Limits(max_element_length=100))

    assert over == (result is not None)


def test_an_input_over_max_input_bytes_is_over_size_whatever_it_holds() -> None:
    result = over_size(b"x" * 2048, Limits(max_input_bytes=1024))

    assert result is not None
    assert ("over-size", "the input is 2048 bytes, over max_input_bytes (1024)") == (result.kind, result.reason)


def test_text_without_an_isa_has_no_element_to_measure() -> None:
    assert over_size(b"y" * 5000, Limits(max_element_length=100)) is None


def test_each_group_of_each_interchange_gets_a_rejecting_999_from_its_headers() -> None:
    body = _with_claim_id("A", control=31) + _with_claim_id("B", control=32)

    acks = rejecting_acks(body)

    assert [("000000031", "31", "R"), ("000000032", "32", "R")] == [
        (ack.interchange_control, ack.group_control, ack.ack_code) for ack in acks
    ]
    assert all("AK2*837*0001*005010X222A1~IK5*R*5~AK9*R*1*1*0~" in ack.x12 for ack in acks)


def test_no_999_without_a_readable_isa() -> None:
    assert [] == rejecting_acks(b"GS*HC*A*B*20260101*1200*1*X*005010X222A1~ST*837*0001~")


def _spin_under(budget: float) -> None:
    with cpu_budget(budget):
        while True:
            pass


def test_cpu_budget_stops_a_busy_loop() -> None:
    with pytest.raises(BudgetExceeded):
        _spin_under(0.2)


def test_workers_default_to_the_cpus_this_process_may_use() -> None:
    assert len(os.sched_getaffinity(0)) == load_settings().workers


def test_the_pipeline_cannot_be_put_back_on_the_event_loop() -> None:
    with pytest.raises(SettingsError, match=r"workers \(CLAIMEDIT_WORKERS\)"):
        load_settings(workers=0)


def test_the_wall_clock_backstop_defaults_to_twice_the_cpu_budget_plus_10_s() -> None:
    assert (70.0, 5.0) == (
        load_settings(input_cpu_seconds=30).wall_seconds,
        load_settings(input_wall_seconds=5).wall_seconds,
    )
