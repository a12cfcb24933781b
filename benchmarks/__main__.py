"""``python -m benchmarks``: the engine benchmark; ``--scale``: the scaling run (see benchmarks/README.md)."""

import sys

if "--scale" in sys.argv[1:]:
    from benchmarks.bench_scale import main as scale

    scale()
else:
    from benchmarks.bench_engine import main

    main()
