"""Synthetic province-wide scenarios for the scaling benchmark, written as YAML text.

``scenario_text(n)`` is a scenario of ``n`` agencies as a trainer's file would be: a random
coordination graph (about three outgoing links an agency, seeded), a task for every tenth agency
(by its capability), casualties for a few, and objectives on the first alerts and tasks. It is
text, so the benchmark times reading and validating it the way ``drillsim run`` does.
"""

from __future__ import annotations

import random

SECTORS = ("security", "health", "fire_rescue", "government", "infrastructure", "military")
KINDS = ("police", "hospital", "fire_rescue", "local_government", "telecom", "military")
TASK_EVERY = 10
"""One agency in ten has a task (by a capability of its own)."""
OUT_DEGREE = 3


def links_of(n: int, seed: int) -> list[list[int]]:
    """Each agency's recipients: agency i>0 is reached from a random earlier agency (so every
    agency is reachable from a0), plus random links up to about ``OUT_DEGREE`` per agency."""
    rng = random.Random(seed)
    out: list[set[int]] = [set() for _ in range(n)]
    for i in range(1, n):
        out[rng.randrange(i)].add(i)
    for i in range(n):
        while len(out[i]) < min(OUT_DEGREE, n - 1):
            j = rng.randrange(n)
            if j != i:
                out[i].add(j)
    return [sorted(s) for s in out]


def _agency(i: int, rng: random.Random) -> str:
    k = i % len(SECTORS)
    lines = [
        f"  - id: a{i}",
        f'    name: "Agency {i}"',
        f"    kind: {KINDS[k]}",
        f"    sector: {SECTORS[k]}",
        f"    units: {1 + i % 3}",
        f"    handling: {{uniform: [{20 + rng.randrange(40)}s, {90 + rng.randrange(60)}s]}}"
        if i % 5 == 4
        else f"    handling: {30 + rng.randrange(60)}s",
        f"    activation: {1 + rng.randrange(5)}m",
        f"    travel: {{uniform: [{5 + rng.randrange(10)}m, {20 + rng.randrange(20)}m]}}",
    ]
    if i % TASK_EVERY == 0:
        lines.append(f"    capabilities: [cap{i}]")
    return "\n".join(lines)


def _link(i: int, targets: list[int], rng: random.Random) -> str:
    to = ", ".join(f"a{j}" for j in targets)
    text = f"  - {{from: a{i}, to: [{to}], channel: phone, delay: {{exponential: {30 + rng.randrange(90)}s}}"
    if i % 7 == 3:
        text += ", reliability: 0.9, retry: 2m"
    return text + "}"


def _task(i: int, n: int) -> str:
    after = f", after: [t{i - TASK_EVERY}]" if i % (3 * TASK_EVERY) == TASK_EVERY else ""
    return (
        f'  - {{id: t{i}, name: "Task {i}", by: [cap{i}], units: 1,'
        f" duration: {{triangular: [5m, 10m, 20m]}}{after}}}"
    )


def scenario_text(n: int, seed: int = 1) -> str:
    """The YAML text of a scenario of ``n`` agencies (``n`` >= 2)."""
    rng = random.Random(seed * 7919 + n)
    tasks = list(range(0, n, TASK_EVERY))
    lines = [
        "scenario:",
        f"  id: scale-{n}",
        f'  title: "Synthetic province, {n} agencies"',
        "  language: en",
        "  horizon: 2d",
        f"  seed: {seed}",
        "target:",
        '  name: "Province"',
        "  kind: other",
        "agencies:",
        *(_agency(i, rng) for i in range(n)),
        "links:",
        *(_link(i, t, rng) for i, t in enumerate(links_of(n, seed)) if t),
        "incidents:",
        "  - id: first",
        "    at: 0m",
        "    detected_by: a0",
        "    detection: {uniform: [1m, 3m]}",
        f"    triggers: [{', '.join(f't{i}' for i in tasks)}]",
        "tasks:",
        *(_task(i, n) for i in tasks),
        "objectives:",
        "  - {id: alert-last, measure: {alerted: a"
        + str(n - 1)
        + "}, within: 2h, core_capability: Operational Communications}",
        "  - {id: alert-mid, measure: {alerted: a"
        + str(n // 2)
        + "}, within: 1h, core_capability: Operational Communications}",
        f"  - {{id: task-first, measure: {{task_done: t{tasks[-1]}}}, within: 4h, core_capability: Operational Coordination}}",
        "  - {id: task-root, measure: {task_done: t0}, within: 1h, core_capability: Operational Coordination}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.scale_scenario N FILE [SEED]``: write the scenario of N agencies."""
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        raise SystemExit("usage: python -m benchmarks.scale_scenario N FILE [SEED]")
    seed = int(args[2]) if len(args) == 3 else 1
    Path(args[1]).write_text(scenario_text(int(args[0]), seed), encoding="utf-8")


if __name__ == "__main__":
    main()
