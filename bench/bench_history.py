"""What the claim history costs: claims per second through the edits with a history on SQLite and on
PostgreSQL, against the same edits with no history, on one N-claim interchange; then two competing
processes on one PostgreSQL history (claims of one patient split between them, so they contend on its lock).

The history's own cost (recall + record, one transaction per claim) is the difference with the no-history
run; the issue asks that it stay below the cost of the edits themselves. Reading is done once, up front.

    python bench/make_interchange.py --claims 10000 --out bench/out/claims-10000.x12
    python bench/bench_history.py bench/out/claims-10000.x12 [--postgres URL]

The PostgreSQL URL defaults to CLAIMEDIT_TEST_POSTGRES_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test;
each run uses a fresh schema and drops it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path

from sqlalchemy import create_engine, text

from claimedit._gc import gc_paused
from claimedit.history.store import HistoryStore
from claimedit.x12.reader import read_claims
from claimedit_edits.engine import Engine
from claimedit_edits.model import Claim, verdict_for
from claimedit_edits.setup import build_engine

SECRET = b"bench-history-secret-0123456789"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROUNDS = 2


def run(
    engine: Engine, claims: list[Claim], store: HistoryStore | None, run_key: str
) -> tuple[float, float, Counter[str]]:
    """Seconds to edit every claim, seconds of that inside the edits, and the history codes drawn. With a store,
    as the pipeline does it: one history batch (one transaction) per transaction set, recall before each claim's
    edits, record after."""
    with gc_paused():  # as Pipeline.process does
        return _run(engine, claims, store, run_key)


def _run(
    engine: Engine, claims: list[Claim], store: HistoryStore | None, run_key: str
) -> tuple[float, float, Counter[str]]:
    codes: Counter[str] = Counter()
    in_edits = 0.0
    clock = time.perf_counter
    started = clock()
    for _, group in groupby(enumerate(claims), key=lambda item: item[1].envelope.st_control):
        batch = list(group)
        if store is None:
            for _, claim in batch:
                before = clock()
                findings = engine.check(claim)
                in_edits += clock() - before
                codes.update(f.code for f in findings if f.code.startswith("HST"))
            continue
        with store.batch([(claim, f"{run_key}:{index}") for index, claim in batch]) as history:
            for number, (_, claim) in enumerate(batch):
                recall = history.recall(number)
                before = clock()
                findings = engine.check(claim, recall)
                in_edits += clock() - before
                recall.record(verdict_for(findings))
                codes.update(f.code for f in findings if f.code.startswith("HST"))
    return clock() - started, in_edits, codes


@contextmanager
def postgres_schema(server: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrated(url: str) -> HistoryStore:
    store = HistoryStore.open(url, SECRET, check=False)
    store.migrate()
    return store


def worker(path: Path, url: str, part: int, parts: int) -> None:
    """One competing process: every ``parts``-th claim from ``part``; prints its timing as JSON."""
    claims = read_claims(path.read_bytes(), source=str(path))[part::parts]
    engine = build_engine(None)
    store = HistoryStore.open(url, SECRET)
    seconds, _, codes = run(engine, claims, store, f"worker{part}")
    store.close()
    print(json.dumps({"claims": len(claims), "seconds": seconds, "codes": dict(codes)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--postgres", default=os.environ.get("CLAIMEDIT_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--worker", nargs=3, metavar=("URL", "PART", "PARTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.path, args.worker[0], int(args.worker[1]), int(args.worker[2]))
        return

    claims = read_claims(args.path.read_bytes(), source=str(args.path))
    engine = build_engine(None)
    engine.check(claims[0])  # warm the per-selection plan
    n = len(claims)
    print(f"{n} claims from {args.path}")
    results: dict[str, tuple[float, float]] = {}
    codes: dict[str, Counter[str]] = {}
    for attempt in range(ROUNDS):  # best of ROUNDS: the machine is shared
        seconds, in_edits, _ = run(engine, claims, None, "none")
        results["no history"] = min(results.get("no history", (seconds, in_edits)), (seconds, in_edits))
        with tempfile.TemporaryDirectory() as folder:
            store = migrated(f"sqlite:///{Path(folder) / 'history.sqlite3'}")
            seconds, in_edits, codes["SQLite"] = run(engine, claims, store, f"sqlite{attempt}")
            results["SQLite file"] = min(results.get("SQLite file", (seconds, in_edits)), (seconds, in_edits))
            store.close()
        with postgres_schema(args.postgres) as url:
            store = migrated(url)
            seconds, in_edits, codes["PostgreSQL"] = run(engine, claims, store, f"pg{attempt}")
            results["PostgreSQL"] = min(results.get("PostgreSQL", (seconds, in_edits)), (seconds, in_edits))
            store.close()

    base = results["no history"][0]
    print(f"best of {ROUNDS}; 'store' is the time outside the edits (recall, record, commit)")
    print(f"{'mode':<12} {'claims/s':>9} {'s':>6} {'edits s':>8} {'store s':>8} {'(s - no history) / no history':>31}")
    for mode, (seconds, in_edits) in results.items():
        overhead = "" if mode == "no history" else f"{(seconds - base) / base:.2f}"
        print(
            f"{mode:<12} {n / seconds:>9.0f} {seconds:>6.2f} {in_edits:>8.2f} {seconds - in_edits:>8.2f} {overhead:>31}"
        )
    print(f"history findings: { ({mode: dict(counted) for mode, counted in codes.items()}) }")

    with postgres_schema(args.postgres) as url:
        migrated(url).close()
        command = [sys.executable, __file__, str(args.path), "--worker", url]
        started = time.perf_counter()
        procs = [subprocess.Popen([*command, str(i), "2"], stdout=subprocess.PIPE, text=True) for i in range(2)]
        outputs = [json.loads(proc.communicate(timeout=300)[0]) for proc in procs]
        wall = time.perf_counter() - started
    edited = sum(output["claims"] for output in outputs)
    in_loop = max(output["seconds"] for output in outputs)
    print(
        f"two competing processes on PostgreSQL: {edited} claims, {edited / in_loop:.0f} claims/s while both edit "
        f"({[round(o['claims'] / o['seconds']) for o in outputs]} each), {wall:.1f} s wall with start-up; "
        f"history findings {[o['codes'] for o in outputs]}"
    )


if __name__ == "__main__":
    main()
