"""Edit speed on one N-claim interchange, against reading it: the edits together must cost less than reading.

Prints claims per second for reading (claimedit's fast reader), for each code family alone (lesion, ncci,
visit), for every edit (the core code-set edits with the ICD-10-CM tabular included), and the findings
counted on the way (a clean generated file should draw no error or warning). Start-up (tables, registry,
ICD-10-CM) is timed apart: it is paid once per process.

With ``--full-tables`` it also writes full-size CMS tables in the official layouts (PTP tab-delimited in
four files with CMS's caption lines, the MUE CSV with multi-line captions, the add-on CSV, the PPRRVU CSV):
the packaged extract rows plus generated codes and pairs up to the size of the real practitioner files
(default 1,000,000 active PTP pairs, 12,000 MUE codes, 16,000 MPFS rows, 3,500 add-on pairs), imports them
with ``claimedit tables import-ncci``'s importer into bench/out/ (once: later runs only load them) and
runs every edit again with them.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_edits.py --prepare-only     # once: write and import the full-size tables (~1 min)
    python bench/bench_edits.py bench/out/claims-10000.x12 [--full-tables]
    python bench/bench_edits.py --claims 10000          # generate in memory with make_interchange
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from claimedit.x12.reader import read_claims
from claimedit_edits.config import load_config, parse_config
from claimedit_edits.engine import Engine, Reference, SimpleIcd10Cm, load_registry
from claimedit_edits.model import Claim
from claimedit_edits.tables import DEFAULT_TABLES_DIR, Tables, load_tables
from claimedit_edits.tables.importer import ImportSource, import_ncci

_PTP_CAPTIONS = [
    "CPT only copyright 2024 American Medical Association. All rights reserved.",
    "Column 1/Column 2 Edits",
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier\t"
    "PTP Edit Rationale",
    "\t\t\t\t\t0=not allowed\t",
    "\t\t\t\t\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
_MAI_TEXT = {"1": "1 Line Edit", "2": "2 Date of Service Edit: Policy", "3": "3 Date of Service Edit: Clinical"}


def _packaged(name: str) -> list[dict[str, str]]:
    with (DEFAULT_TABLES_DIR / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_official_tables(
    out: Path,
    *,
    ptp_pairs: int,
    mue_codes: int = 12_000,
    mpfs_rows: int = 16_000,
    aoc_pairs: int = 3_500,
    seed: int = 7,
) -> list[ImportSource]:
    """Full-size CMS files in the official layouts: the packaged rows plus generated codes (never real CPT text)."""
    rng = random.Random(seed)
    packaged_codes = {row["hcpcs"] for row in _packaged("mpfs_indicators_2024-07.csv")}
    synthetic = [f"{n:05d}" for n in range(10_000, 70_000) if f"{n:05d}" not in packaged_codes]
    synthetic += [f"{letter}{n:04d}" for letter in "GJ" for n in range(10_000) if len(synthetic) < 80_000]
    ptp_rows = [(r["col1"], r["col2"], r["mod"], r["rationale"]) for r in _packaged("ptp_practitioner_2024-07-01.csv")]
    seen = {(row[0], row[1]) for row in ptp_rows}
    pool = synthetic[: max(mpfs_rows, 2_000)]
    while len(ptp_rows) < ptp_pairs:
        first, second = rng.choice(pool), rng.choice(pool)
        if first != second and (first, second) not in seen:
            seen.add((first, second))
            ptp_rows.append((first, second, rng.choice("0111"), "Mutually exclusive procedures"))
    files = [out / f"ptp_practitioner_f{n}.txt" for n in range(1, 5)]
    for index, path in enumerate(files):
        chunk = ptp_rows[index::4]
        lines = [*_PTP_CAPTIONS]
        lines += [f"{a}\t{b}\t\t20100101\t*\t{mod}\t{why}" for a, b, mod, why in chunk]
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    mue = [
        (r["hcpcs_code"], r["mue_units"], r["mue_mai"][:1], r["mue_rationale"])
        for r in _packaged("mue_practitioner_2024-07-01.csv")
    ]
    mue += [
        (code, str(rng.randint(1, 20)), rng.choice("123"), "Clinical: Data") for code in pool[: mue_codes - len(mue)]
    ]
    with (out / "mue_practitioner.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write('"CPT codes, descriptions and other data only are copyright 2024 American Medical Association."\n')
        handle.write('"Practitioner Services MUE Table - Effective 07/01/2024"\n')
        handle.write(
            '"HCPCS/\nCPT Code","Practitioner Services\nMUE Values","MUE Adjudication\nIndicator","MUE Rationale"\n'
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows((code, units, _MAI_TEXT[mai], why) for code, units, mai, why in mue)

    aoc = [(r["add_on_code"], r["primary_code"], r["aoc_edit_type"]) for r in _packaged("aoc_2024-06-03.csv")]
    while len(aoc) < aoc_pairs:
        aoc.append((rng.choice(pool[:500]), rng.choice(pool), "1"))
    with (out / "aoc.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write('"Add-on Code Edits, Effective July 1, 2024"\n')
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "Add-on Code",
                "Add-On Code Effective Date",
                "Add-On Code Deletion Date",
                "Primary Code",
                "Primary Code Effective Date",
                "Primary Code Deletion Date",
                "AOC Edit Type",
                "AOC Edit Effective Date",
                "AOC Edit Deletion Date",
                "Special Instruction Notes",
            ]
        )
        writer.writerows(
            (add, "20100101", "*", primary, "20100101", "*", kind, "20100101", "*", "") for add, primary, kind in aoc
        )

    mpfs = [
        (r["hcpcs"], r["mod"], r["status_code"], r["pctc_ind"], r["glob_days"], r["mult_proc"], r["bilat_surg"])
        for r in _packaged("mpfs_indicators_2024-07.csv")
    ]
    mpfs += [
        (code, "", "A", "0", rng.choice(["000", "010", "090", "XXX", "ZZZ"]), "2", "0")
        for code in pool[: mpfs_rows - len(mpfs)]
    ]
    with (out / "PPRRVU24_JUL.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write('"CPT codes and descriptions only are copyright 2024 American Medical Association."\n')
        handle.write(
            "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,WORK,NON-FAC,NON-FAC,FACILITY,FACILITY,MP,NON-FACILITY,"
            "FACILITY,PCTC,GLOB,PRE,INTRA,POST,MULT,BILAT,ASST,CO,TEAM,ENDO,CONV\n"
        )
        handle.write(
            ",,,STATUS,NOT USED FOR MEDICARE,RVU,PE RVU,NA INDICATOR,PE RVU,NA INDICATOR,RVU,TOTAL,TOTAL,"
            "IND,DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR\n"
        )
        for code, mod, status, pctc, days, mult, bilat in mpfs:
            handle.write(
                f"{code},{mod},(descriptor omitted),{status},,0.5,1.0,,0.5,,0.05,1.5,1.0,{pctc},{days},"
                f"0.10,0.80,0.10,{mult},{bilat},1,0,0,0,32.7442\n"
            )
    return [
        ImportSource("ptp", tuple(files)),
        ImportSource("mue", (out / "mue_practitioner.csv",)),
        ImportSource("aoc", (out / "aoc.csv",)),
        ImportSource("mpfs", (out / "PPRRVU24_JUL.csv",)),
    ]


def _full_tables(ptp_pairs: int, cache: Path) -> tuple[Tables, str]:
    """Write and import the full-size tables once into ``cache`` (git-ignored bench/out), then load them."""
    tables_dir = cache / f"official-tables-{ptp_pairs}"
    prepared = ""
    if not (tables_dir / "manifest.toml").exists():
        with tempfile.TemporaryDirectory(prefix="claimedit-bench-tables-") as tmp:
            start = time.perf_counter()
            sources = write_official_tables(Path(tmp), ptp_pairs=ptp_pairs)
            written = time.perf_counter() - start
            start = time.perf_counter()
            report = import_ncci(sources, out_dir=tables_dir, edition="bench-full", effective_from=dt.date(2024, 7, 1))
            imported = time.perf_counter() - start
        prepared = f"rows {dict(sorted(report.rows.items()))}; written {written:.1f} s, imported {imported:.1f} s; "
    start = time.perf_counter()
    tables = load_tables(tables_dir)
    loaded = time.perf_counter() - start
    summary = f"full-size official-layout tables ({tables_dir}): {prepared}loaded at start-up {loaded:.1f} s"
    return tables, summary


def _best(work: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs, with the cyclic garbage collector paused as the pipeline does."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def _generate(claims: int) -> str:
    path = Path(__file__).with_name("make_interchange.py")
    spec = importlib.util.spec_from_file_location("claimedit_bench_make_interchange", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    text: str = module.build_interchange(claims, seed=837)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("file", type=Path, nargs="?")
    parser.add_argument("--claims", type=int, default=10_000, help="claims to generate when no file is given")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--full-tables", action="store_true", help="also run with full-size official-layout tables")
    parser.add_argument("--ptp-pairs", type=int, default=1_000_000, help="active PTP pairs of the full-size tables")
    parser.add_argument(
        "--prepare-only", action="store_true", help="write and import the full-size tables into bench/out, then stop"
    )
    args = parser.parse_args()
    cache = Path(__file__).with_name("out")
    if args.prepare_only:
        print(_full_tables(args.ptp_pairs, cache)[1])
        return
    text = args.file.read_text(encoding="utf-8") if args.file else _generate(args.claims)

    start = time.perf_counter()
    registry = load_registry()
    tables = load_tables()
    policy = load_config(None, registry)
    family_policies = {
        family: parse_config(
            f'select = ["{family}"]\n[[payer]]\nname = "Medicare"\nfiling_indicators = ["MB"]\n'
            + ('extend_select = ["MOD003"]\n' if family == "ncci" else ""),
            registry,
        )
        for family in ("lesion", "ncci", "visit")
    }
    startup_tables = time.perf_counter() - start
    start = time.perf_counter()
    icd = SimpleIcd10Cm()
    icd.is_billable("L570")
    startup_icd = time.perf_counter() - start
    family_engines = {
        family: Engine(registry, Reference(icd10cm=icd, tables=tables), family_policy)
        for family, family_policy in family_policies.items()
    }
    full_engine = Engine(registry, Reference(icd10cm=icd, tables=tables), policy)

    claims: list[Claim] = []

    def read() -> None:
        claims[:] = read_claims(text, source="bench")

    read_seconds = _best(read, args.repeat)
    findings: Counter[str] = Counter()

    def run(engine: Engine, tally: bool) -> Callable[[], None]:
        def work() -> None:
            for claim in claims:
                found = engine.check(claim)
                if tally:
                    findings.update(f"{f.code}:{f.severity}" for f in found)

        return work

    family_seconds = {family: _best(run(engine, False), args.repeat) for family, engine in family_engines.items()}
    full_seconds = _best(run(full_engine, False), args.repeat)
    run(full_engine, True)()
    full_size: tuple[float, str, Counter[str]] | None = None
    if args.full_tables:
        big_tables, summary = _full_tables(args.ptp_pairs, cache)
        big_engine = Engine(registry, Reference(icd10cm=icd, tables=big_tables), policy)
        big_seconds = _best(run(big_engine, False), args.repeat)
        before = Counter(findings)
        run(big_engine, True)()
        full_size = (big_seconds, summary, findings - before)

    _print_report(
        claims,
        registry_sizes={family: sum(1 for e in registry if e.spec.family == family) for family in family_seconds},
        edits=len(registry),
        startup=(startup_tables, startup_icd),
        read_seconds=read_seconds,
        family_seconds=family_seconds,
        full_seconds=full_seconds,
        findings=findings,
        full_size=full_size,
    )


def _print_report(
    claims: list[Claim],
    *,
    registry_sizes: dict[str, int],
    edits: int,
    startup: tuple[float, float],
    read_seconds: float,
    family_seconds: dict[str, float],
    full_seconds: float,
    findings: Counter[str],
    full_size: tuple[float, str, Counter[str]] | None,
) -> None:
    count = len(claims)
    startup_tables, startup_icd = startup
    per_claim = [len(claim.service_lines) for claim in claims]
    print(f"claims: {count}   lines per claim: mean {statistics.mean(per_claim):.2f}, max {max(per_claim)}")
    print(f"start-up: tables + registry + config {startup_tables * 1000:.0f} ms, ", end="")
    print(f"ICD-10-CM tabular {startup_icd * 1000:.0f} ms")
    rows: list[tuple[str, float]] = [("read (fast reader)", read_seconds)]
    for family, seconds in family_seconds.items():
        rows.append((f"{family} edits alone ({registry_sizes[family]} edits)", seconds))
    rows.append((f"all edits ({edits} registered, default config)", full_seconds))
    if full_size is not None:
        rows.append(("all edits, full-size official-layout tables", full_size[0]))
    for label, seconds in rows:
        print(f"{label:<52} {seconds:8.3f} s  {count / seconds:10.0f} claims/s")
    print(f"all edits cost {full_seconds / read_seconds:.2f}x reading (target: below 1.00x)")
    for family, seconds in family_seconds.items():
        print(f"{family} edits cost {seconds / read_seconds:.2f}x reading")
    loud = {key: value for key, value in findings.items() if not key.endswith(":info")}
    print(f"error/warning findings on this file: {sum(loud.values())} {dict(sorted(loud.items())) if loud else ''}")
    if full_size is not None:
        big_seconds, summary, big_findings = full_size
        print(summary)
        print(f"all edits with the full-size tables cost {big_seconds / read_seconds:.2f}x reading")
        big_loud = {key: value for key, value in big_findings.items() if not key.endswith(":info")}
        print(
            f"error/warning findings with the full-size tables (generated pairs may bundle real codes): "
            f"{sum(big_loud.values())}"
        )


if __name__ == "__main__":
    main()
