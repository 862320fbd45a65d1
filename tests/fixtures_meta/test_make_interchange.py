"""bench/make_interchange.py writes deterministic, valid, clean 837P interchanges."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from claimedit_test_support import bench_generator


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generator = bench_generator()
x12_text = _load("claimedit_fixtures_meta_x12_text", Path(__file__).with_name("_x12_text.py"))


@pytest.fixture(scope="module")
def small_interchange() -> str:
    text: str = generator.build_interchange(120, seed=7, claims_per_transaction=50)
    return text


def test_small_interchange_validates_with_pyx12(small_interchange: str) -> None:
    ok, ack_segments = x12_text.pyx12_ack_codes(small_interchange)
    problems = [s for s in ack_segments if not (s == "IK5*A" or s.startswith("AK9*A*"))]
    expected: tuple[bool, list[str]] = (True, [])
    assert expected == (ok, problems)


def test_claim_count_and_transaction_split_follow_the_arguments(small_interchange: str) -> None:
    tags = Counter(s.tag for s in x12_text.iter_segments(small_interchange))
    expected = {"ISA": 1, "GS": 1, "ST": 3, "CLM": 120}
    assert expected == {tag: tags[tag] for tag in expected}


def test_every_claim_is_balanced(small_interchange: str) -> None:
    unbalanced = [t for t in x12_text.claim_totals(small_interchange) if t[1] != t[2]]
    assert not unbalanced


def test_every_npi_passes_luhn(small_interchange: str) -> None:
    npis = {s.element(9) for s in x12_text.iter_segments(small_interchange) if s.tag == "NM1" and s.element(8) == "XX"}
    assert npis
    assert all(x12_text.npi_passes_luhn(npi) for npi in npis)


def test_same_seed_gives_same_bytes_and_another_seed_differs() -> None:
    first = generator.build_interchange(20, seed=11)
    expected = (True, False)
    assert expected == (
        first == generator.build_interchange(20, seed=11),
        first == generator.build_interchange(20, seed=12),
    )


def test_claims_have_one_to_four_lines_and_cover_every_family() -> None:
    text = generator.build_interchange(2000, seed=3)
    lines_per_claim: list[int] = []
    codes: set[str] = set()
    for segment in x12_text.iter_segments(text):
        if segment.tag == "CLM":
            lines_per_claim.append(0)
        elif segment.tag == "SV1":
            lines_per_claim[-1] += 1
            codes.add(segment.element(1).split(segment.component)[1])
    families = {
        "premalignant": {"17000", "17004"},
        "benign destruction": {"17110", "17111"},
        "biopsy": {"11102", "11104", "11106"},
        "benign excision": {f"114{n:02d}" for n in range(47)},
        "malignant excision": {f"116{n:02d}" for n in range(47)},
        "malignant destruction": {f"172{n:02d}" for n in range(60, 87)},
        "evaluation": {"99212", "99213", "99214", "99203"},
    }
    missing = [name for name, family_codes in families.items() if not codes & family_codes]
    assert not missing
    assert (min(lines_per_claim), max(lines_per_claim)) == (1, 4)


def test_command_line_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "claims-5.x12"
    status = generator.main(["--claims", "5", "--seed", "1", "--out", str(out)])
    claims = [s for s in x12_text.iter_segments(out.read_text(encoding="utf-8")) if s.tag == "CLM"]
    expected = (0, 5)
    assert expected == (status, len(claims))
