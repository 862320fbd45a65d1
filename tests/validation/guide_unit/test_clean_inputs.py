"""Clean claims are called clean, and nothing pyx12 finds fault with ever is (fixtures, generated, public samples)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from claimedit_test_support import REPO, bench_generator

CLEAN = sorted((REPO / "x12_fixtures" / "clean").glob("*.x12"))
EVERY_FIXTURE = sorted((REPO / "x12_fixtures").rglob("*.x12"))
SAMPLES = Path("/work/shared/x12-samples")
"""The public samples, read in place (SOURCES.md there names each one's origin); none when not on this machine."""


def _public_837p() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    found = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".x12", ".txt", ".edi", ".837", ""):
            head = path.read_bytes()[:200_000]
            if b"005010X222" in head and head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"ISA"):
                found.append(path)
    return found


@pytest.mark.parametrize("path", CLEAN, ids=lambda path: path.name)
def test_every_clean_fixture_is_clean_for_the_guide(
    path: Path, pyx12_texts: Callable[[bytes | str], list[str]], verdicts: Callable[[str], Any]
) -> None:
    texts = pyx12_texts(path.read_bytes())
    assert texts
    assert [True] * len(texts) == [verdicts(text).guide_clean for text in texts]


def test_generated_claims_in_several_transactions_are_clean(
    pyx12_texts: Callable[[bytes | str], list[str]], verdicts: Callable[[str], Any]
) -> None:
    text = bench_generator().build_interchange(40, seed=12, claims_per_transaction=15)
    (given,) = pyx12_texts(text)
    found = verdicts(given)
    assert (True, True) == (found.guide_clean, found.pyx12_clean)


@pytest.mark.parametrize("path", EVERY_FIXTURE, ids=lambda path: str(path.relative_to(REPO / "x12_fixtures")))
def test_the_guide_never_calls_clean_what_pyx12_rejects(
    path: Path, pyx12_texts: Callable[[bytes | str], list[str]], verdicts: Callable[[str], Any]
) -> None:
    for text in pyx12_texts(path.read_bytes()):
        found = verdicts(text)
        assert not found.guide_clean or found.pyx12_clean


@pytest.mark.parametrize("path", _public_837p(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_public_samples_are_clean_exactly_when_pyx12_says_so(
    path: Path,
    pyx12_texts: Callable[[bytes | str], list[str]],
    guide_clean: Callable[[str], bool],
    verdicts: Callable[[str], Any],
) -> None:
    """Never clean where pyx12 finds an error; clean wherever pyx12 finds none (pyx12 is run on samples
    under 100 kB, and on bigger ones only where the guide says clean: it takes seconds on those)."""
    for text in pyx12_texts(path.read_bytes()):
        if guide_clean(text) or len(text) < 100_000:
            found = verdicts(text)
            assert found.pyx12_clean == found.guide_clean
