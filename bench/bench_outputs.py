"""The cost of turning one processed input into the messages the service publishes, per output.

:func:`claimedit.service.outputs.build_outputs` (events, their JSON, the 837P split per claim, the 277CA
per rejected claim, the 999s) and :func:`claimedit.service.processing.process_input` around it (the
PHI-free summary too), each input's pipeline result computed first, for three inputs:

- 1 claim: x12_fixtures/clean/single_claim_premalignant_medicare.x12;
- 100 claims: bench/make_interchange.py --claims 100 (clean claims, one 999);
- fixtures: every x12_fixtures/{clean,broken,edits} file in turn (rejected claims, 277CAs, shared scopes).

Timing: best of ``--rounds`` of the mean CPU time (``time.process_time``), in microseconds per output.
``--callgrind``: instructions per output instead (load-independent): each input is run under
``valgrind --tool=callgrind`` twice, with 0 calls and with as many as make ``--outputs`` outputs, and the
difference divided (enough outputs that the start-up's own variation, a few million instructions, is small).

    python bench/bench_outputs.py [--rounds 5] [--callgrind [--outputs 4000]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import make_interchange

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "x12_fixtures"
SINGLE = FIXTURES / "clean" / "single_claim_premalignant_medicare.x12"
NOW = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
INPUTS = ("1-claim", "100-claim", "fixtures")


def _bodies(name: str) -> list[bytes]:
    if name == "1-claim":
        return [SINGLE.read_bytes()]
    if name == "100-claim":
        return [make_interchange.build_interchange(100, seed=1).encode()]
    return [path.read_bytes() for path in sorted(FIXTURES.glob("[!mr]*/*.x12"))]


def _prepared(name: str) -> tuple[list[tuple[bytes, Any, Any]], int]:
    """Each body with its pipeline result and meta, and the outputs one pass over them yields."""
    from claimedit.pipeline import Pipeline  # noqa: PLC0415
    from claimedit.service.outputs import build_outputs, input_meta, input_sha256  # noqa: PLC0415

    pipeline = Pipeline.start()
    prepared = []
    for index, body in enumerate(_bodies(name)):
        meta = input_meta(
            correlation_id=f"c{index}", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1
        )
        prepared.append((body, pipeline.process(body), meta))
    outputs = sum(len(build_outputs(result, body, meta, now=NOW)) for body, result, meta in prepared)
    return prepared, outputs


def _works(prepared: list[tuple[bytes, Any, Any]]) -> dict[str, Callable[[], object]]:
    from claimedit.service.outputs import build_outputs  # noqa: PLC0415
    from claimedit.service.processing import process_input  # noqa: PLC0415

    results = {id(body): result for body, result, _ in prepared}

    def processor(body: bytes, _source: str) -> Any:
        return results[id(body)]

    def outputs() -> None:
        for body, result, meta in prepared:
            build_outputs(result, body, meta, now=NOW)

    def processed() -> None:
        for body, _, meta in prepared:
            process_input(processor, body, meta, NOW)

    return {"build_outputs": outputs, "process_input": processed}


def _timed(work: Callable[[], object], rounds: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(repeat):
            work()
        best = min(best, (time.process_time() - started) / repeat)
    return best


def _run_in_callgrind(name: str, work: str, iterations: int) -> None:
    """The child of --callgrind: prepare ``name``, then call ``work`` ``iterations`` times."""
    prepared, _ = _prepared(name)
    call = _works(prepared)[work]
    call()  # warm: first-call caches (catalogue, codecs) are not the per-output cost
    for _ in range(iterations):
        call()


def _instructions(name: str, work: str, iterations: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            name,
            work,
            str(iterations),
        ]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        assert found is not None
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--callgrind", action="store_true", help="instructions per output (valgrind), not time")
    parser.add_argument("--outputs", type=int, default=4000, help="outputs made per input under callgrind")
    parser.add_argument("--inputs", nargs="*", choices=INPUTS, default=list(INPUTS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, work, iterations = args.child
        _run_in_callgrind(name, work, int(iterations))
        return
    if args.callgrind:
        print(f"instructions per output (callgrind, calls making about {args.outputs} outputs minus 0 calls)")
    else:
        print(f"us per output (CPU time, best of {args.rounds})")
    print(f"{'input':>10} {'outputs':>8} {'build_outputs':>14} {'process_input':>14}")
    for name in args.inputs:
        prepared, outputs = _prepared(name)
        figures = []
        for work, call in _works(prepared).items():
            if args.callgrind:
                calls = max(1, round(args.outputs / outputs))
                extra = _instructions(name, work, calls) - _instructions(name, work, 0)
                figures.append(f"{extra / calls / outputs:14,.0f}")
            else:
                repeat = max(1, 2000 // outputs)
                figures.append(f"{_timed(call, args.rounds, repeat) / outputs * 1e6:14.2f}")
        print(f"{name:>10} {outputs:8d} {' '.join(figures)}")


if __name__ == "__main__":
    main()
