"""``drillsim sweep``: objectives against swept parameter values."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from drillsim.analysis.results import clock_or_never, objective_stats, percent
from drillsim.cli.options import (
    force_option,
    json_option,
    lang_option,
    max_replications_option,
    replications_option,
    seed_option,
    workers_option,
)
from drillsim.cli.output import echo, language, open_scenario
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.runs.experiment import check_replications, default_workers, simulate_summaries
from drillsim.runs.sweep import grid, parse_set
from drillsim.scenario.durations import clock
from drillsim.textsafe import cell_text


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "sets",
    multiple=True,
    required=True,
    metavar="PATH=VALUES",
    help="A parameter and its values, e.g. agencies.ems.units=2..8 (repeatable: a grid).",
)
@replications_option
@max_replications_option
@seed_option
@workers_option
@json_option
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the table as CSV.",
)
@force_option
@lang_option
def sweep(
    file: Path,
    sets: tuple[str, ...],
    replications: int,
    max_replications: int,
    seed: int | None,
    workers: int | None,
    json_path: Path | None,
    csv_path: Path | None,
    force: bool,
    lang: str | None,
) -> None:
    """Run a grid of what-ifs and tabulate each objective against the swept values.

    Every grid point uses the same random numbers (replication i shares its streams), so the
    table shows the effect of the parameter, not noise.

    \b
    Examples:
      drillsim sweep scenarios/lai-chau-hydropower.yaml --set agencies.hospital.units=1..4
      drillsim sweep scenarios/lai-chau-hydropower.yaml --set agencies.police_hq.duty_officers=1..3 \\
          --set links.plant_security->police_hq.reliability=0.7..0.9:0.1 --csv sweep.csv
    """
    for path in (json_path, csv_path):
        if path is not None:
            check_output(path, force=force, inputs=(file,))

    scenario = open_scenario(file)
    check_replications(replications, max_replications)
    axes = [parse_set(s, scenario) for s in sets]
    points = grid(scenario, axes)
    runs = simulate_summaries(
        scenario,
        [v for _, v in points],
        replications,
        scenario.scenario.seed if seed is None else seed,
        workers=default_workers() if workers is None else workers,
    )
    rows = []
    for combo, variant in points:
        for st in objective_stats(scenario, variant.id, runs[variant.id]):
            rows.append(
                {
                    **{a.name: v for a, v in zip(axes, combo)},
                    "objective": st.objective.id,
                    "met": round(st.met.share, 4),
                    "met_low": st.met.ci.low,
                    "met_high": st.met.ci.high,
                    "median_s": st.time.median,
                }
            )
    reader = language()
    for obj in scenario.objectives:
        echo(Msg("cli.sweep.objective", objective=obj.id, target=clock(obj.within)))
        for r in (r for r in rows if r["objective"] == obj.id):
            point = ", ".join(f"{a.field}={r[a.name]}" for a in axes)
            row = Msg(
                "cli.sweep.row",
                point=f"{point:<40}",
                met=percent(float(r["met"]), reader, width=6),
                median=clock_or_never(r["median_s"], reader),
            )
            echo(row)
    if json_path:
        write_atomic(json_path, json.dumps(rows, indent=2, ensure_ascii=False))
    if csv_path:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([cell_text(k) for k in rows[0]])
        w.writerows([cell_text(v) for v in r.values()] for r in rows)
        write_atomic(csv_path, "\ufeff" + buf.getvalue())
