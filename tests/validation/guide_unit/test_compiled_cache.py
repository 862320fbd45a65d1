"""The compiled guide is plain data, written once per machine and read back instead of compiling again."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from claimedit.validation.guide import _compile, load_guide


def test_first_start_writes_the_compiled_maps_and_the_next_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_compile, "_cache_dir", lambda: tmp_path)  # pyx12's own map cache stays where it is
    compiled = _compile.load_compiled()
    (written,) = tmp_path.glob("guide-*.marshal")
    assert compiled == marshal.loads(written.read_bytes())

    def no_compiling() -> _compile.Compiled:
        raise AssertionError("compiled again although the cache holds the maps")

    monkeypatch.setattr(_compile, "compile_maps", no_compiling)
    assert compiled == _compile.load_compiled()


def test_a_damaged_cache_file_is_compiled_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compile, "_cache_dir", lambda: tmp_path)
    compiled = _compile.load_compiled()
    (written,) = tmp_path.glob("guide-*.marshal")
    written.write_bytes(b"\x00not marshal")
    assert compiled == _compile.load_compiled()


def test_the_compiled_guide_knows_the_837p_loops_and_segments() -> None:
    guide = load_guide()
    loops = {node.id for node in guide.nodes if node.is_loop}
    segments = {node.id for node in guide.nodes if not node.is_loop}
    assert {"2000A", "2000B", "2000C", "2300", "2400", "2010AA", "2310B"} <= loops
    assert {"CLM", "SV1", "HI", "NM1", "DTP", "HL", "SE", "GE", "IEA"} <= segments
