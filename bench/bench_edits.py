"""Edit speed on one N-claim interchange, against reading it: the edits together must cost less than reading.

Prints claims per second for reading (claimedit's fast reader), for the lesion-family edits alone, for every
edit (the core code-set edits with the ICD-10-CM tabular included), and the findings counted on the way
(a clean generated file should draw no error or warning). Start-up (tables, registry, ICD-10-CM) is timed
apart: it is paid once per process.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_edits.py bench/out/claims-10000.x12
    python bench/bench_edits.py --claims 10000          # generate in memory with make_interchange
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from claimedit.x12.reader import read_claims
from claimedit_edits.config import load_config, parse_config
from claimedit_edits.engine import Engine, Reference, SimpleIcd10Cm, load_registry
from claimedit_edits.model import Claim
from claimedit_edits.tables import load_tables


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
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8") if args.file else _generate(args.claims)

    start = time.perf_counter()
    registry = load_registry()
    tables = load_tables()
    policy = load_config(None, registry)
    lesion_policy = parse_config(
        'select = ["lesion"]\n[[payer]]\nname = "Medicare"\nfiling_indicators = ["MB"]\nextend_select = ["MOD003"]\n',
        registry,
    )
    startup_tables = time.perf_counter() - start
    start = time.perf_counter()
    icd = SimpleIcd10Cm()
    icd.is_billable("L570")
    startup_icd = time.perf_counter() - start
    lesion_engine = Engine(registry, Reference(icd10cm=icd, tables=tables), lesion_policy)
    full_engine = Engine(registry, Reference(icd10cm=icd, tables=tables), policy)

    claims: list[Claim] = []

    def read() -> None:
        claims[:] = read_claims(text, source="bench")

    read_seconds = _best(read, args.repeat)
    count = len(claims)
    findings: Counter[str] = Counter()

    def run(engine: Engine, tally: bool) -> Callable[[], None]:
        def work() -> None:
            for claim in claims:
                found = engine.check(claim)
                if tally:
                    findings.update(f"{f.code}:{f.severity}" for f in found)

        return work

    lesion_seconds = _best(run(lesion_engine, False), args.repeat)
    full_seconds = _best(run(full_engine, False), args.repeat)
    run(full_engine, True)()

    per_claim = [len(claim.service_lines) for claim in claims]
    print(f"claims: {count}   lines per claim: mean {statistics.mean(per_claim):.2f}, max {max(per_claim)}")
    print(f"start-up: tables + registry + config {startup_tables * 1000:.0f} ms, ", end="")
    print(f"ICD-10-CM tabular {startup_icd * 1000:.0f} ms")
    rows: list[tuple[str, float]] = [
        ("read (fast reader)", read_seconds),
        (f"lesion-family edits alone ({sum(1 for e in registry if e.spec.family == 'lesion')} edits)", lesion_seconds),
        (f"all edits ({len(registry)} registered, default config)", full_seconds),
    ]
    for label, seconds in rows:
        print(f"{label:<52} {seconds:8.3f} s  {count / seconds:10.0f} claims/s")
    print(f"all edits cost {full_seconds / read_seconds:.2f}x reading (target: below 1.00x)")
    print(f"lesion edits cost {lesion_seconds / read_seconds:.2f}x reading")
    loud = {key: value for key, value in findings.items() if not key.endswith(":info")}
    print(f"error/warning findings on this file: {sum(loud.values())} {dict(sorted(loud.items())) if loud else ''}")


if __name__ == "__main__":
    main()
