"""The TOML configuration: validated at start-up against the registry, with payer layers."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from claimedit_edits.config import ConfigError, build_configured_engine, parse_config
from claimedit_edits.tables.importer import ImportSource, import_ncci

cases = sys.modules["claimedit_tests_edits_cases"]

_CLAIM_59 = """
CLM*CFG-1*400***11:B:1*Y*A*Y*Y
HI*ABK:C44519*ABF:L570
LX*1
SV1*HC:11602*300*UN*1***1
DTP*472*D8*20250404
LX*2
SV1*HC:17000:59*100*UN*1***2
DTP*472*D8*20250404
"""


def _codes(harness: Any, config: str | None, payer: dict[str, str]) -> list[tuple[str, str]]:
    case = cases.Case("", "config", _CLAIM_59, [], payer, config)
    return [(f.code, f.severity) for f in harness.findings(case) if f.severity != "info"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selec = []", r"selec: Extra inputs are not permitted"),
        ('select = ["LES999"]', r"select: unknown edit, family or category 'LES999'"),
        ('[severity]\nLES001 = "fatal"', r"severity.LES001: Input should be 'error', 'warning' or 'info'"),
        ('[severity]\nNOPE01 = "info"', r"severity: unknown edit 'NOPE01'"),
        ("[options.MOD002]\nbypass = ['59']", r"options.MOD002: unknown option 'bypass'"),
        ('[[payer]]\nname = "x"\nignore = ["MOD002"]', r"payer\[x\]: give payer_ids or filing_indicators"),
        ('[[payer]]\nname = "x"\nfiling_indicators = ["MB"]\nignore = ["bogus"]', r"payer\[x\].ignore: unknown"),
        ("select = [", r"not valid TOML"),
        (
            "[options.MOD002]\nsuggested_modifier = 59",
            r"options.MOD002.suggested_modifier: Input should be a valid string \(got 59\)",
        ),
        ('[options.MOD002]\nbypass_on = "both"', r"options.MOD002.bypass_on: Input should be 'either' or 'column2'"),
        ("[options.MOD008]\nextra_modifiers = [1]", r"options.MOD008.extra_modifiers.0: Input should be a valid str"),
        ('[options.EMV001]\ndefer_to_ptp = "yes"', r"options.EMV001.defer_to_ptp: Input should be a valid boolean"),
        (
            '[[payer]]\nname = "x"\nfiling_indicators = ["MB"]\n[payer.options.LES007]\ndeferred_codes = "17000"',
            r"payer\[x\].options.LES007.deferred_codes: Input should be a valid tuple",
        ),
    ],
)
def test_bad_configuration_is_a_clear_error(text: str, message: str, harness: Any) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text, harness.registry)


def test_default_medicare_layer_selects_mod003_for_sbr09_mb(harness: Any) -> None:
    expected = ([("MOD003", "warning")], [])
    actual = (
        _codes(harness, None, {"filing_indicator": "MB"}),
        _codes(harness, None, {"filing_indicator": "CI"}),
    )
    assert expected == actual


def test_payer_layer_matches_on_payer_id(harness: Any) -> None:
    config = (
        '[[payer]]\nname = "Plan 87726"\npayer_ids = ["87726"]\nextend_select = ["MOD003"]\n'
        '[payer.severity]\nMOD003 = "error"\n'
    )
    expected = ([("MOD003", "error")], [])
    actual = (
        _codes(harness, config, {"filing_indicator": "CI", "payer_id": "87726"}),
        _codes(harness, config, {"filing_indicator": "CI", "payer_id": "99903"}),
    )
    assert expected == actual


def test_ignore_by_category_and_severity_override_by_name(harness: Any) -> None:
    claim = "CLM*CFG-2*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000*300*UN*3***1\nDTP*472*D8*20250304\n"
    regraded = cases.Case("", "x", claim, [], {}, '[severity]\npremalignant-first-lesion-units = "warning"\n')
    ignored = cases.Case("", "x", claim, [], {}, 'ignore = ["lesion-units"]\n')
    expected = ([("LES001", "warning")], [])
    actual = (
        [(f.code, f.severity) for f in harness.findings(regraded)],
        [(f.code, f.severity) for f in harness.findings(ignored)],
    )
    assert expected == actual


def test_select_narrows_to_the_named_family_members(harness: Any) -> None:
    policy = parse_config('select = ["modifier"]\n', harness.registry)
    selection = policy.default
    enabled = sorted(edit.spec.code for edit in harness.registry if selection.enabled(edit))
    expected = [
        "EMV001",
        "GLB001",
        "GLB002",
        "GLB003",
        "HST003",
        "HST004",
        "HST007",
        "MOD001",
        "MOD002",
        "MOD004",
        "MOD005",
        "MOD006",
        "MOD007",
        "MOD008",
        "MOD009",
        "REP001",
    ]
    assert expected == enabled


def test_configured_engine_loads_the_tables_directories_relative_to_the_config(tmp_path: Path, harness: Any) -> None:
    official = Path(__file__).with_name("official")
    import_ncci(
        [ImportSource("mue", (official / "mue_practitioner.csv",))],
        out_dir=tmp_path / "tables",
        edition="2025Q1",
        effective_from=dt.date(2025, 1, 1),
    )
    config = tmp_path / "claimedit.toml"
    config.write_text('tables = ["tables"]\n', encoding="utf-8")
    engine = build_configured_engine(config, harness.reference.icd10cm)
    assert engine.reference.tables is not None
    expected = "2025Q1"
    assert expected == engine.reference.tables.at(dt.date(2025, 2, 1)).mue.edition.edition


def test_missing_configuration_file_is_a_clear_error(tmp_path: Path, harness: Any) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration"):
        build_configured_engine(tmp_path / "absent.toml", harness.reference.icd10cm)


def test_ignoring_the_lesion_family_keeps_the_ncci_edits_for_every_code(harness: Any) -> None:
    text = (
        (
            "CLM*IGN-1*220***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:99213*120*UN*1***1\nDTP*472*D8*20250303\n"
            "LX*2\nSV1*HC:17000*100*UN*2***1\nDTP*472*D8*20250303\n"
        )
        .replace("*220***", "*320***")
        .replace("17000*100*UN*2", "17000*200*UN*2")
    )
    config = 'ignore = ["lesion"]\n[options.LES007]\ndeferred_codes = []\n'
    case = cases.Case("", "ignore-lesion", text, [], {"filing_indicator": "CI", "payer_id": "99903"}, config)
    expected = [("LES007", 2), ("MOD002", 1)]
    assert expected == sorted((f.code, f.line) for f in harness.findings(case) if f.severity == "error")
