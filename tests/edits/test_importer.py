"""The NCCI importer reads the official CMS layouts (captions, copyright lines, multi-line headers) and its
output is a table edition the engine chooses by date of service."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from claimedit.cli import main
from claimedit_edits.engine import Engine, Reference
from claimedit_edits.tables import load_tables, read_manifest
from claimedit_edits.tables.importer import ImportSource, NcciImportError, import_ncci

cases = sys.modules["claimedit_tests_edits_cases"]
OFFICIAL = Path(__file__).with_name("official")
JAN_2025 = dt.date(2025, 1, 1)


def _import_all(out: Path) -> Any:
    return import_ncci(
        [
            ImportSource("ptp", (OFFICIAL / "ptp_practitioner_f1.txt", OFFICIAL / "ptp_practitioner_f2.txt")),
            ImportSource("mue", (OFFICIAL / "mue_practitioner.csv",)),
            ImportSource("aoc", (OFFICIAL / "aoc_cms_layout.csv", OFFICIAL / "aoc_readme_layout.txt")),
            ImportSource("mpfs", (OFFICIAL / "PPRRVU25_JAN.csv",)),
        ],
        out_dir=out,
        edition="2025Q1",
        effective_from=JAN_2025,
    )


def test_import_writes_every_kind_with_a_loadable_manifest(tmp_path: Path) -> None:
    report = _import_all(tmp_path)
    expected = ({"ptp": 5, "mue": 5, "aoc": 6, "mpfs": 5}, {"ptp": 2, "mue": 0, "aoc": 1, "mpfs": 0})
    assert expected == (report.rows, report.skipped)
    expected_value = ["aoc", "mpfs", "mue", "ptp"]
    assert expected_value == sorted(edition.kind for edition in read_manifest(tmp_path))


def test_ptp_rows_keep_indicators_and_drop_deleted_and_not_applicable(tmp_path: Path) -> None:
    _import_all(tmp_path)
    ptp = load_tables(tmp_path).at(dt.date(2025, 2, 3)).ptp
    actual = {pair: edit.modifier_indicator for pair, edit in ptp.pairs.items()}
    expected = {
        ("17004", "17000"): 0,
        ("11602", "17000"): 1,
        ("17000", "99213"): 1,
        ("G0168", "12001"): 1,
        ("17111", "17110"): 0,
    }
    assert expected == actual


def test_mue_adjudication_indicator_is_read_from_its_caption_text(tmp_path: Path) -> None:
    _import_all(tmp_path)
    mue = load_tables(tmp_path).at(dt.date(2025, 2, 3)).mue
    expected = [(1, 2), (3, 3), (2, 1), (8, 3)]
    actual = [(mue.limits[code].units, mue.limits[code].mai) for code in ("17000", "11403", "20610", "J1030")]
    assert expected == actual


def test_add_on_pairs_from_both_layouts(tmp_path: Path) -> None:
    _import_all(tmp_path)
    aoc = load_tables(tmp_path).at(dt.date(2025, 2, 3)).aoc
    actual = {code: sorted(entry.primary for entry in aoc.get(code)) for code in ("17003", "11103", "22552", "11107")}
    expected = {"17003": ["17000", "17000"], "11103": ["11102", "11104"], "22552": ["22551"], "11107": ["11106"]}
    assert expected == actual


def test_mpfs_indicators_found_by_multi_line_captions_and_descriptors_never_copied(tmp_path: Path) -> None:
    report = _import_all(tmp_path)
    mpfs_path = next(edition.path for edition in report.editions if edition.kind == "mpfs")
    fees = load_tables(tmp_path).at(dt.date(2025, 2, 3)).mpfs
    actual = [(f.global_days, f.multiple_procedure, f.bilateral, f.pctc) for f in map(fees.get, ("17003", "20610"))]
    expected = ([("ZZZ", "0", "0", "0"), ("000", "2", "1", "0")], False)
    assert expected == (actual, "descriptor" in mpfs_path.read_text(encoding="utf-8"))


def test_a_malformed_data_row_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(NcciImportError, match=r"ptp_bad_modifier.txt:2: modifier indicator '7'"):
        import_ncci(
            [ImportSource("ptp", (OFFICIAL / "ptp_bad_modifier.txt",))],
            out_dir=tmp_path,
            edition="x",
            effective_from=JAN_2025,
        )


def test_a_file_without_data_rows_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "captions_only.txt"
    empty.write_text("CPT only copyright 2024 American Medical Association.\nColumn 1\tColumn 2\n", encoding="utf-8")
    with pytest.raises(NcciImportError, match="no data rows"):
        import_ncci([ImportSource("ptp", (empty,))], out_dir=tmp_path / "out", edition="x", effective_from=JAN_2025)


def test_reimporting_an_edition_replaces_it_and_keeps_the_others(tmp_path: Path) -> None:
    _import_all(tmp_path)
    import_ncci(
        [ImportSource("mue", (OFFICIAL / "mue_practitioner.csv",))],
        out_dir=tmp_path,
        edition="2025Q2",
        effective_from=dt.date(2025, 4, 1),
    )
    _import_all(tmp_path)
    expected = [("aoc", "2025Q1"), ("mpfs", "2025Q1"), ("mue", "2025Q1"), ("mue", "2025Q2"), ("ptp", "2025Q1")]
    assert expected == sorted((edition.kind, edition.edition) for edition in read_manifest(tmp_path))


def test_engine_chooses_the_imported_edition_by_date_of_service(tmp_path: Path, harness: Any) -> None:
    _import_all(tmp_path)
    engine = Engine(
        harness.registry,
        Reference(icd10cm=harness.reference.icd10cm, tables=load_tables(tmp_path)),
        harness.default_policy,
    )

    def mue_findings(day: str) -> list[str]:
        claim = cases.Case(
            "LES007",
            day,
            f"CLM*MUE-{day}*600***11:B:1*Y*A*Y*Y\nHI*ABK:D225\nLX*1\nSV1*HC:11403*600*UN*3***1\nDTP*472*D8*{day}\n",
            [],
            {"filing_indicator": "CI", "payer_id": "99903"},
        )
        return [f.source for f in engine.check(harness.read(claim)) if f.code == "LES007"]

    before, after = mue_findings("20241015"), mue_findings("20250210")
    expected = (1, True, [])
    assert expected == (len(before), "2024-07-01" in before[0], after)


def test_cli_import_ncci_writes_the_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(OFFICIAL / "mue_practitioner.csv", tmp_path / "mue.csv")
    status = main(
        [
            "tables",
            "import-ncci",
            "--out",
            str(tmp_path / "t"),
            "--edition",
            "2025Q1",
            "--effective-from",
            "2025-01-01",
            "--mue",
            str(tmp_path / "mue.csv"),
        ]
    )
    expected = (0, True, ["mue"])
    assert expected == (
        status,
        "mue: 5 rows" in capsys.readouterr().out,
        [e.kind for e in read_manifest(tmp_path / "t")],
    )


def test_cli_import_ncci_without_a_table_is_bad_usage(tmp_path: Path) -> None:
    expected = 2
    assert expected == main(
        ["tables", "import-ncci", "--out", str(tmp_path), "--edition", "x", "--effective-from", "2025-01-01"]
    )


def test_cli_import_ncci_with_a_bad_date_is_bad_usage(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["tables", "import-ncci", "--out", str(tmp_path), "--edition", "x", "--effective-from", "Jan 2025"])
    expected = 2
    assert expected == exited.value.code


def test_mue_with_adjudication_indicator_1_counts_each_line_alone(tmp_path: Path, harness: Any) -> None:
    _import_all(tmp_path)
    tables = load_tables(tmp_path)
    engine = Engine(
        harness.registry, Reference(icd10cm=harness.reference.icd10cm, tables=tables), harness.default_policy
    )

    def lines(*unit_counts: int) -> list[tuple[int | None, str | None]]:
        body = "".join(
            f"LX*{number}\nSV1*HC:20610*{50 * units}*UN*{units}***1\nDTP*472*D8*20250210\n"
            for number, units in enumerate(unit_counts, start=1)
        )
        total = 50 * sum(unit_counts)
        text = f"CLM*MAI1-{len(unit_counts)}*{total}***11:B:1*Y*A*Y*Y\nHI*ABK:M25561\n{body}"
        claim = harness.read(cases.Case("LES007", "mai1", text, [], {"filing_indicator": "CI", "payer_id": "99903"}))
        return [(f.line, f.fix.suggested if f.fix else None) for f in engine.check(claim) if f.code == "LES007"]

    expected = ([(1, "2")], [])
    assert expected == (lines(3), lines(2, 2))
