"""Two claimedit processes editing claims of one patient at the same moment on the real PostgreSQL: each claim
of the file, replayed by both at once, is flagged as a duplicate by exactly one of them (the advisory lock on
the patient key makes the second wait for the first's commit)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from claimedit_history_claims import interchange, visit

from .conftest import SECRET

CLAIMS = 120


@pytest.mark.slow
def test_two_processes_on_one_patient_see_each_other(tmp_path: Path, postgres_url: str) -> None:
    first = dt.date(2024, 1, 1)
    blocks = [visit(f"C-{n:03d}", day=(first + dt.timedelta(days=n)).strftime("%Y%m%d")) for n in range(CLAIMS)]
    path = tmp_path / "one_patient.x12"
    path.write_text(interchange(blocks), encoding="utf-8")
    env = {**os.environ, "CLAIMEDIT_HISTORY_SECRET": SECRET.decode()}
    command = [sys.executable, "-m", "claimedit"]
    subprocess.run([*command, "history", "migrate", "--history", postgres_url], check=True, env=env)
    replay = [*command, "replay", str(path), "--no-validate", "--history", postgres_url]
    runs = [subprocess.Popen(replay, stdout=subprocess.PIPE, env=env, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    flagged: Counter[str] = Counter()
    for output in outputs:
        for line in output.splitlines():
            result = json.loads(line)
            if any(finding["code"] == "HST001" for finding in result["findings"]):
                flagged[result["claim_id"]] += 1
    expected = ([0, 0], {f"C-{n:03d}": 1 for n in range(CLAIMS)})
    assert expected == ([run.returncode for run in runs], dict(flagged))
