"""A synthetic province-wide scenario of N agencies, for measuring the report at scale.

``python -m benchmarks.scale_scenario 1000 /tmp/scale-1000.yaml`` writes a scenario with N
agencies in eight sectors, each hanging from a hub (``superior``), a random coordination graph
of out-degree about 3 (every agency reachable from the detecting one: one link from an earlier
agency, two more at random), a task for every tenth agency and four objectives. All draws come
from one seeded ``random.Random``, so the same N and seed give the same file.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

CAPABILITY = "Operational Coordination"
SECTORS = (
    "security",
    "fire_rescue",
    "health",
    "government",
    "military",
    "infrastructure",
    "education",
    "other",
)
KINDS = {
    "security": "police",
    "fire_rescue": "fire",
    "health": "health_station",
    "government": "people_committee",
    "military": "militia",
    "infrastructure": "utility",
    "education": "school",
    "other": "agency",
}


def _agency(i: int, rng: random.Random, hubs: list[int]) -> dict[str, Any]:
    sector = SECTORS[i % len(SECTORS)]
    agency: dict[str, Any] = {
        "id": f"a{i}",
        "name": f"{KINDS[sector].replace('_', ' ').title()} {i}",
        "kind": KINDS[sector],
        "sector": sector,
        "handling": {"uniform": ["10s", "50s"]} if i % 5 == 4 else "30s",
        "activation": {"triangular": ["1m", "3m", "8m"]},
    }
    if hubs and i not in hubs:
        agency["superior"] = f"a{rng.choice(hubs)}"
    if i % 10 == 3:
        agency["capabilities"] = [f"c{i}"]
        agency["travel"] = {"uniform": ["5m", "30m"]}
    return agency


def scale_scenario(n: int, *, seed: int = 1) -> dict[str, Any]:
    """The scenario document (a dict ready for YAML) with ``n`` agencies."""
    rng = random.Random(seed)
    hubs = list(range(min(n, max(1, n // 50))))
    agencies = [_agency(i, rng, hubs) for i in range(n)]
    links: list[dict[str, Any]] = []
    for i in range(1, n):
        sources = [rng.randrange(i)] + [rng.randrange(n) for _ in range(2)]
        for k, src in enumerate(dict.fromkeys(sources)):
            if src != i:
                delay: Any = {"exponential": "2m"} if (i + k) % 5 == 2 else "1m"
                links.append({"from": f"a{src}", "to": f"a{i}", "delay": delay})
    tasks = [
        {"id": f"t{i}", "by": [f"c{i}"], "duration": {"triangular": ["5m", "10m", "30m"]}}
        for i in range(3, n, 10)
    ]
    measured = [t["id"] for t in tasks[: max(1, len(tasks) // 4)]][:3]
    objectives: list[dict[str, Any]] = [
        {
            "id": f"done-{t}",
            "measure": {"task_done": t},
            "within": "2h",
            "core_capability": CAPABILITY,
        }
        for t in measured
    ]
    objectives.append(
        {
            "id": "last-alerted",
            "measure": {"alerted": f"a{n - 1}"},
            "within": "1h",
            "core_capability": CAPABILITY,
        }
    )
    return {
        "scenario": {
            "id": f"scale{n}",
            "title": f"Synthetic province, {n} agencies",
            "horizon": "2d",
            "seed": seed,
        },
        "target": {"name": "generated", "kind": "multi_site"},
        "agencies": agencies,
        "links": links,
        "incidents": [
            {
                "id": "i",
                "at": "0s",
                "detected_by": "a0",
                "triggers": [t["id"] for t in tasks],
            }
        ],
        "tasks": tasks,
        "objectives": objectives,
    }


def main(argv: list[str] | None = None) -> None:
    """Write ``scale_scenario(N)`` to a YAML file: ``N PATH [SEED]``."""
    args = sys.argv[1:] if argv is None else argv
    n, path = int(args[0]), Path(args[1])
    seed = int(args[2]) if len(args) > 2 else 1
    path.write_text(yaml.safe_dump(scale_scenario(n, seed=seed), sort_keys=False), "utf-8")


if __name__ == "__main__":
    main()
