"""``claimedit tables import-icd10cm / import-hcpcs``: official layouts compiled into dated editions that the edits
choose by date of service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from claimedit.cli import main
from claimedit_edits.codesets import open_codesets
from claimedit_edits.codesets._compile import CodeSetImportError, icd10cm_from_cms, modifiers_from_hcpcs
from claimedit_edits.codesets._importers import import_codeset

OFFICIAL = Path(__file__).with_name("official")
FY2025 = dt.date(2024, 10, 1)


def _billable(entries: list[object]) -> dict[str, bool]:
    return {entry.code: entry.billable for entry in entries}  # type: ignore[attr-defined]


def test_the_order_file_keeps_headers_and_billable_flags() -> None:
    entries = icd10cm_from_cms((OFFICIAL / "icd10cm_order_2025_excerpt.txt").read_text(encoding="utf-8"))
    expected = {"C44": False, "C443": False, "C4431": False, "C44310": True, "C44311": True, "C44319": True}
    assert expected == {code: flag for code, flag in _billable(entries).items() if code.startswith("C44")}


def test_the_codes_file_derives_headers_from_the_billable_codes() -> None:
    order = icd10cm_from_cms((OFFICIAL / "icd10cm_order_2025_excerpt.txt").read_text(encoding="utf-8"))
    codes = icd10cm_from_cms((OFFICIAL / "icd10cm_codes_2025_excerpt.txt").read_text(encoding="utf-8"))
    assert _billable(order) == _billable(codes)


def test_a_line_in_neither_layout_is_named() -> None:
    with pytest.raises(CodeSetImportError, match="line 2"):
        icd10cm_from_cms("C44311  Basal cell carcinoma of skin of nose\n?? not a code\n")


def test_hcpcs_modifier_records_keep_their_dates_and_skip_procedures_and_continuations() -> None:
    entries = modifiers_from_hcpcs((OFFICIAL / "HCPC2025_JAN_ANWEB_excerpt.csv").read_text(encoding="utf-8"))
    expected = {
        "25": (dt.date(1992, 1, 1), None),
        "59": (dt.date(1992, 1, 1), None),
        "Q0": (dt.date(2008, 1, 1), None),
        "RR": (dt.date(1986, 1, 1), None),
        "XS": (dt.date(2015, 1, 1), None),
        "ZB": (dt.date(2016, 1, 1), dt.date(2018, 3, 31)),
    }
    assert expected == {entry.code: (entry.effective_from, entry.effective_to) for entry in entries}


def test_an_imported_icd10cm_edition_is_chosen_for_its_fiscal_year(tmp_path: Path) -> None:
    import_codeset(
        "icd10cm",
        OFFICIAL / "icd10cm_order_2025_excerpt.txt",
        out_dir=tmp_path,
        edition="FY2025",
        effective_from=FY2025,
        effective_to=dt.date(2025, 9, 30),
    )
    store = open_codesets(tmp_path)
    in_fy2025, in_fy2026 = store.at("icd10cm", dt.date(2025, 3, 1)), store.at("icd10cm", dt.date(2026, 5, 1))
    expected = ("FY2025", "FY2026 April 1, 2026 update", False, True)
    assert expected == (
        in_fy2025.info.edition,
        in_fy2026.info.edition,
        in_fy2025.is_valid("D485"),
        in_fy2026.is_valid("D485"),
    )


def test_reimporting_an_edition_replaces_it(tmp_path: Path) -> None:
    for _ in range(2):
        import_codeset(
            "icd10cm",
            OFFICIAL / "icd10cm_codes_2025_excerpt.txt",
            out_dir=tmp_path,
            edition="FY2025",
            effective_from=FY2025,
        )
    expected = [("icd10cm", "FY2025", 8)]
    actual = [(e.kind, e.edition, e.rows) for e in open_codesets(tmp_path, include_default=False).editions]
    assert expected == actual


def test_cli_import_hcpcs_writes_a_store_and_a_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "tables",
            "import-hcpcs",
            str(OFFICIAL / "HCPC2025_JAN_ANWEB_excerpt.csv"),
            "--out",
            str(tmp_path),
            "--edition",
            "2025-01",
            "--effective-from",
            "2025-01-01",
        ]
    )
    expected = (0, True, True, "modifiers: 6 codes")
    out = capsys.readouterr().out
    assert expected == (
        status,
        (tmp_path / "codesets.sqlite").is_file(),
        (tmp_path / "manifest.toml").is_file(),
        out[: len("modifiers: 6 codes")],
    )


def test_cli_import_icd10cm_of_a_wrong_file_fails_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "tables",
            "import-icd10cm",
            str(OFFICIAL / "HCPC2025_JAN_ANWEB_excerpt.csv"),
            "--out",
            str(tmp_path),
            "--edition",
            "FY2025",
            "--effective-from",
            "2024-10-01",
        ]
    )
    expected = (1, True)
    assert expected == (status, "line 1" in capsys.readouterr().err)


def test_a_configured_tables_directory_brings_its_code_sets_to_the_engine(tmp_path: Path) -> None:
    from claimedit_edits.config import build_configured_engine  # noqa: PLC0415

    import_codeset(
        "icd10cm",
        OFFICIAL / "icd10cm_order_2025_excerpt.txt",
        out_dir=tmp_path,
        edition="FY2025",
        effective_from=FY2025,
    )
    config = tmp_path / "edits.toml"
    config.write_text(f'tables = ["{tmp_path.as_posix()}"]\n', encoding="utf-8")
    engine = build_configured_engine(config, open_codesets().at("icd10cm", None))
    assert engine.reference.codesets is not None
    expected = "FY2025"
    assert expected == engine.reference.codesets.at("icd10cm", dt.date(2025, 1, 2)).info.edition
