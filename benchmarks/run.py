"""One-command runner: ``python benchmarks/run.py [--quick]`` (same as ``python -m benchmarks``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_engine import main

if __name__ == "__main__":
    main()
