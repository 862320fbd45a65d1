"""The compiled code-set store: what it holds agrees with its sources, editions are chosen by date of service,
and start-up opens it without parsing any XML or CSV."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import pytest

from claimedit_edits.codesets import DEFAULT_STORE, CodeSetError, CodeSets, open_codesets
from claimedit_edits.codesets._packaged import PACKAGED

STORE = open_codesets()


def test_the_shipped_store_was_compiled_from_the_sources_as_they_are_now() -> None:
    expected = {packaged.kind: hashlib.sha256(packaged.read().encode("utf-8")).hexdigest() for packaged in PACKAGED}
    actual = {edition.kind: edition.source_sha256 for edition in STORE.editions}
    assert expected == actual, "stale: run `python -m claimedit_edits.codesets build` and commit codesets.sqlite"


def test_every_edition_names_its_source_and_counts_its_codes() -> None:
    expected = {
        "icd10cm": 98186,
        "icd9cm": 17553,
        "modifiers": 426,
        "taxonomy": 883,
        "pos": 52,
        "taxonomy-scope": 13,
        "pos-scope": 17,
    }
    assert expected == {edition.kind: edition.rows for edition in STORE.editions}
    assert all(edition.source and edition.edition for edition in STORE.editions)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # simple-icd-10-cm reads its data with open_text
def test_compiled_icd10cm_billable_flags_agree_with_simple_icd_10_cm_on_every_code() -> None:
    import simple_icd_10_cm as icd  # noqa: PLC0415  (the reference reading, 3 s to load)

    edition = STORE.at("icd10cm", None)
    disagree = [code for code in edition.codes() if bool(icd.is_leaf(code)) != edition.is_billable(code)]
    missing = [code for code in ("C4431", "C44311", "L570", "S0101XA", "D485") if not edition.is_valid(code)]
    assert ([], []) == (disagree, missing)


def test_a_header_lists_its_billable_codes_dotted() -> None:
    expected = ["C44.310", "C44.311", "C44.319"]
    assert expected == STORE.at("icd10cm", dt.date(2026, 5, 1)).children("C4431")


@pytest.mark.parametrize(
    ("kind", "day", "edition"),
    [
        ("icd9cm", dt.date(2014, 6, 1), "v32 (FY2015)"),
        ("icd9cm", dt.date(2001, 6, 1), "v32 (FY2015)"),
        ("icd10cm", dt.date(2026, 5, 1), "FY2026 April 1, 2026 update"),
        ("icd10cm", None, "FY2026 April 1, 2026 update"),
        ("taxonomy", dt.date(2025, 8, 1), "25.1"),
    ],
)
def test_the_packaged_edition_for_a_date(kind: str, day: dt.date | None, edition: str) -> None:
    assert edition == STORE.at(kind, day).info.edition


def test_a_place_of_service_carries_its_own_effective_date() -> None:
    entry = STORE.at("pos", None).get("10")
    assert entry is not None
    expected = (False, True)
    assert expected == (entry.active_on(dt.date(2021, 12, 31)), entry.active_on(dt.date(2022, 1, 1)))


def test_a_missing_store_is_a_clear_error(tmp_path: object) -> None:
    with pytest.raises(CodeSetError, match="does not exist"):
        CodeSets([DEFAULT_STORE.with_name("absent.sqlite")])


def test_start_up_opens_the_store_without_loading_simple_icd_10_cm() -> None:
    script = (
        "import sys, time\n"
        "start = time.process_time()\n"
        "from claimedit_edits.setup import build_engine\n"
        "engine = build_engine()\n"
        "print('simple_icd_10_cm' in sys.modules, engine.reference.codesets is not None)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    expected = "False True"
    assert expected == result.stdout.strip()
