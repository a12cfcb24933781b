"""``python -m benchmarks``: the engine benchmark (see benchmarks/README.md)."""

from benchmarks.bench_engine import main

main()
