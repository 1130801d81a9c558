"""Run a piece of work in a child process and measure its wall time and peak memory.

The peak is the child's own high-water resident set (``VmHWM``, reset when the
child executes Python), so the benchmark runner's memory never leaks into it,
as it would into ``ru_maxrss`` of a forked child.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

_REPORT = """
import json as _json
with open("/proc/self/status") as _status:
    _peak = next(int(line.split()[1]) for line in _status if line.startswith("VmHWM"))
print(_json.dumps({"result": result, "peak_kb": _peak}))
"""


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float
    result: Any


def in_child(code: str, timeout: float | None = None) -> Measurement:
    """Run Python ``code``, which leaves its answer in ``result``; time it and take its peak memory.

    Raises ``subprocess.TimeoutExpired`` when it runs longer than ``timeout`` seconds.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code + _REPORT], capture_output=True, text=True, check=False, timeout=timeout
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(seconds=seconds, peak_mb=report["peak_kb"] / 1024, result=report["result"])
