"""Benchmark: a 1,000,000-child synthetic Annex A history, then one year's indicators.

Not a test. Run from the repository root:

    .venv/bin/python bench/bench_indicators.py [--children 1000000] [--seed 1] [--keep DIR]

The synthetic history is written first (not timed against the target); then a child
process reads it and computes 2019-20, timing each phase: parse (CSV text into
DuckDB), map (normalise into the canonical events), compute (every indicator and
check). Peak memory is the child process's ru_maxrss: DuckDB allocates outside
Python's allocator, so tracemalloc would not see it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = """
import json, resource, sys, time
from datetime import date
from assure.performance.engine import annex_a, codes, compute


def clock():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime


folder = sys.argv[1]
marks = [clock()]
con = codes.connect()
parts = annex_a.load_lists(con, folder)
marks.append(clock())
events = annex_a.lists_to_events(con, parts, None)
con.close()  # as read_annex_a does: the loaded text is not kept once the events exist
marks.append(clock())
document = compute(events, period_from=date(2019, 4, 1), period_to=date(2020, 3, 31), population=1_000_000)
marks.append(clock())
phases = {}
for name, (start, end) in zip(("parse", "map", "compute"), zip(marks, marks[1:])):
    phases[name + "_seconds"] = round(end[0] - start[0], 2)
    phases[name + "_cpu_seconds"] = round(end[1] - start[1], 2)
print(json.dumps({
    **phases,
    "total_seconds": round(marks[-1][0] - marks[0][0], 2),
    "total_cpu_seconds": round(marks[-1][1] - marks[0][1], 2),
    "events": events.row_counts(), "rows_rejected": len(events.errors),
    "referrals_2019_20": document["indicators"]["referrals"]["numerator"],
}))
"""


def run_child(arguments: list[str]) -> tuple[str, float, float]:
    """Run a Python child process; its output, wall-clock seconds and own peak resident memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *arguments], stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"the child process failed with status {process.returncode}")
    return output, time.perf_counter() - started, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the history here and keep it")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.keep or Path(scratch) / "history"
        _, synth_seconds, synth_peak = run_child(
            [
                "-c",
                "import sys; from pathlib import Path; from assure.performance.engine.synth import write_history; "
                "write_history(Path(sys.argv[1]), children=int(sys.argv[2]), seed=int(sys.argv[3]))",
                str(folder),
                str(arguments.children),
                str(arguments.seed),
            ]
        )
        size = sum(path.stat().st_size for path in folder.glob("*.csv"))
        output, _, peak = run_child(["-c", MEASURE, str(folder)])
    result = json.loads(output)
    result.update(
        {
            "children": arguments.children,
            "synth_seconds": round(synth_seconds, 2),
            "synth_peak_memory_megabytes": round(synth_peak),
            "csv_megabytes": round(size / 1e6),
            "peak_memory_megabytes": round(peak),
            # the machine's other work slows wall-clock time; CPU seconds are steadier
            "load_average_after": [round(load, 2) for load in os.getloadavg()],
        }
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
