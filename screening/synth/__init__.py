"""Synthetic payment data with planted typologies and a ground-truth file.

Used by ``screening demo``, by the tests of the detection rules and by the
benchmarks (up to ten million payments). Output is deterministic: the same
``(payments, seed, start, days)`` always gives the same files.

>>> from pathlib import Path
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     summary = generate(5_000, Path(tmp) / "payments.csv", seed=1)
...     header = summary.truth_path.read_text().splitlines()[0]
>>> header
'pattern_id,typology,role,account'
"""

from screening.synth.fx import bundled_fx_rates
from screening.synth.generator import SynthSummary, generate

__all__ = ["SynthSummary", "bundled_fx_rates", "generate"]
