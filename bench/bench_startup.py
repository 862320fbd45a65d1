"""Start-up cost of a one-claim replay, as whole processes, against pyx12 validating the same file.

Each row is a fresh Python process; CPU (user + system) and peak RSS come from ``os.wait4`` for that process
alone. Children run with bytecode caches (``PYTHONDONTWRITEBYTECODE`` is dropped) after one warm-up run, as an
installed wheel and a machine that ran claimedit once have them.
Rows, best of ``--repeat`` runs, all in the same run of this script:

- pyx12 4.x validating the file (``x12n_document``, its own map loading included);
- ``claimedit replay FILE`` with the packaged tables (validation by pyx12 included), and ``--no-validate``;
- the same with full-size CMS tables in the official layouts (1,000,000 PTP pairs, 12,000 MUE codes, 16,000
  MPFS rows: written by bench/bench_edits.py's generator and imported with ``claimedit tables import-ncci``
  into bench/out/full-tables, kept between runs);
- opening the full-size tables alone (``load_tables``), the issue's "opened in under 1 s and 300 MB".

    python bench/bench_startup.py [FILE] [--repeat 3] [--ptp-pairs 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "x12_fixtures" / "clean" / "single_claim_premalignant_medicare.x12"
OUT = ROOT / "bench" / "out"

PYX12 = """
import io, sys
import pyx12.error_handler, pyx12.params, pyx12.x12n_document
with open(sys.argv[1], encoding="utf-8") as fd:
    pyx12.x12n_document.x12n_document(pyx12.params.params(), fd, pyx12.error_handler.errh_null(), io.StringIO())
"""
OPEN_TABLES = """
import sys
from pathlib import Path
from claimedit_edits.tables import load_tables
tables = load_tables(Path(sys.argv[1]))
assert tables.at(None).ptp.get("17004", "17000") is not None
"""


_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
"""Children write and use bytecode caches, as an installed wheel has them (pip compiles them at install)."""


def _run(command: list[str]) -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of one child process."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {errors[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _best(command: list[str], repeat: int) -> tuple[float, float]:
    _run(command)  # warm-up: bytecode caches and the pyx12 map cache are written once per machine
    runs = [_run(command) for _ in range(repeat)]
    return min(cpu for cpu, _ in runs), min(rss for _, rss in runs)


def _full_tables(ptp_pairs: int) -> Path:
    """bench/out/full-tables/tables: generated once in the official layouts and imported (kept between runs)."""
    root = OUT / f"full-tables-{ptp_pairs}"
    tables = root / "tables"
    if (tables / "manifest.toml").is_file():
        return tables
    spec = importlib.util.spec_from_file_location("bench_edits", ROOT / "bench" / "bench_edits.py")
    assert spec is not None
    assert spec.loader is not None
    bench_edits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_edits)
    from claimedit_edits.tables.importer import import_ncci  # noqa: PLC0415

    root.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sources = bench_edits.write_official_tables(root, ptp_pairs=ptp_pairs)
    written = time.perf_counter() - start
    start = time.perf_counter()
    report = import_ncci(sources, out_dir=tables, edition="bench-full", effective_from=dt.date(2024, 7, 1))
    print(
        f"full-size tables generated in {written:.1f} s and imported (CSV + compiled SQLite) in "
        f"{time.perf_counter() - start:.1f} s: rows {dict(sorted(report.rows.items()))}",
        file=sys.stderr,
    )
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ptp-pairs", type=int, default=1_000_000)
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare_only:
        _full_tables(args.ptp_pairs)
        return
    # generated in a child: a forked child's peak RSS counts the parent's pages, so the parent stays small
    subprocess.run([sys.executable, __file__, "--prepare-only", "--ptp-pairs", str(args.ptp_pairs)], check=True)
    tables = OUT / f"full-tables-{args.ptp_pairs}" / "tables"
    config = tables.parent / "edits.toml"
    config.write_text(f'tables = ["{tables.as_posix()}"]\n', encoding="utf-8")
    claimedit = [sys.executable, "-m", "claimedit", "replay", str(args.file)]
    rows = [
        ("pyx12 validating the file (x12n_document)", [sys.executable, "-c", PYX12, str(args.file)]),
        ("claimedit replay, packaged tables", claimedit),
        ("claimedit replay --no-validate, packaged tables", [*claimedit, "--no-validate"]),
        ("claimedit replay, full-size tables", [*claimedit, "--config", str(config)]),
        ("claimedit replay --no-validate, full-size tables", [*claimedit, "--no-validate", "--config", str(config)]),
        ("open the full-size tables alone (load_tables)", [sys.executable, "-c", OPEN_TABLES, str(tables)]),
        ("python -c pass (interpreter floor)", [sys.executable, "-c", "pass"]),
    ]
    print(f"file: {args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file}")
    print(f"{'process':<52} {'CPU s':>7} {'RSS MB':>8}   (best of {args.repeat})")
    results = {}
    for label, command in rows:
        cpu, rss = _best(command, args.repeat)
        results[label] = cpu
        print(f"{label:<52} {cpu:>7.2f} {rss:>8.1f}")
    ratio = results["claimedit replay, packaged tables"] / results["pyx12 validating the file (x12n_document)"]
    print(f"claimedit replay / pyx12 alone: {ratio:.1f}x CPU")


if __name__ == "__main__":
    main()
