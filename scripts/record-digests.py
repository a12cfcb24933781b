"""Record (or check) the digests that pin drillsim's behaviour on the example scenarios.

For each scenario in scenarios/: the event log of one replication of the base and of every
variant (bytes), and a small study with every variant and simulated suggestions: the summaries
and the kept logs (bytes) and analysis.json (content, with its format version left out, so that
versioning the file does not count as a change of behaviour).

    python scripts/record-digests.py            # print the digests as JSON
    python scripts/record-digests.py --write    # rewrite tests/fixtures/digests.json

Regenerate only when a change of behaviour is intended, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "digests.json"
REPLICATIONS = 12
SUGGEST = 12
SEED = 7
#: Top-level keys of analysis.json that describe the file, not the results.
ANALYSIS_META = ("format", "version", "drillsim")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drillsim(*args: str) -> None:
    cmd = [sys.executable, "-m", "drillsim", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")


def analysis_digest(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ANALYSIS_META:
        data.pop(key, None)
    return sha(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())


def variant_ids(scenario: Path) -> list[str]:
    import yaml  # the example files only; drillsim itself is run as a command

    data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    return [v["id"] for v in data.get("variants") or []]


def scenario_digests(scenario: Path, work: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for variant in [None, *variant_ids(scenario)]:
        log = work / f"single-{variant or 'base'}.jsonl"
        extra = ["--variant", variant] if variant else []
        drillsim("timeline", str(scenario), "--seed", str(SEED), "--log", str(log), *extra)
        out[f"single/{variant or 'base'}.jsonl"] = sha(log.read_bytes())
    folder = work / "study"
    drillsim(
        "run",
        str(scenario),
        "-n",
        str(REPLICATIONS),
        "--seed",
        str(SEED),
        "--all-variants",
        "--workers",
        "1",
        "--suggest",
        str(SUGGEST),
        "--no-report",
        "--out",
        str(folder),
        "-q",
    )
    for sub in ("summaries", "logs"):
        for path in sorted((folder / sub).glob("*.jsonl")):
            out[f"{sub}/{path.name}"] = sha(path.read_bytes())
    out["analysis.json"] = analysis_digest(folder / "analysis.json")
    return out


def record() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
            work = Path(tmp) / scenario.stem
            work.mkdir()
            result[scenario.name] = scenario_digests(scenario, work)
    return result


def main() -> None:
    digests = record()
    text = json.dumps(digests, indent=2, sort_keys=True) + "\n"
    if "--write" in sys.argv:
        FIXTURE.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
