"""The run folder: manifest, per-replication summaries and a few whole event logs.

Every file is written atomically (a temporary file in the same folder, then renamed), except the
summaries, which are appended batch by batch so that an interrupted run keeps what it finished.
The manifest says ``complete`` only after everything else is on disk, with each summaries file's
line count, so a truncated or partial file never passes as complete. A run never replaces an
earlier run's folder without ``force``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from drillsim import __version__
from drillsim.errors import InputError, OutputExistsError, ResultsFormatError
from drillsim.runmodels import ManifestModel, SummaryModel, parse, read_text
from drillsim.records import LOG_FORMAT, RECORD_FIELDS, EventRecord
from drillsim.summary import ReplicationSummary
from drillsim.textsafe import cell_text

RESULTS_FORMAT = 4
"""Version of the run-folder layout and summary schema; bumped on any incompatible change."""

MANIFEST = "manifest.json"

BASE = "base"
"""Name of the unchanged scenario among the variants of a run."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a whole file so that readers see the old file or the new one, never half of it.

    An OSError names ``path`` itself, not the temporary file it was being written through.
    """
    try:
        _write_atomic(path, data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def _write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; a report is meant to be shared: keep the replaced file's mode or 0644.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_output(path: Path, *, force: bool) -> None:
    """Check an output file the user named before any work is done for it.

    It must not replace an existing file (or a link, even a broken one) unless they said --force,
    and its folder must exist or be creatable and be writable, so that minutes of simulation are
    not thrown away on a path that fails at the end.
    """
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputExistsError(f"{path} exists; choose another name or pass --force to replace it")
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: {folder} is a file, not a folder; choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {path}: no permission to write in {folder}; choose another path")


def safe_name(text: str) -> str:
    """A file-name part from an id: ids are ASCII slugs already; anything else is replaced."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text)
    return cleaned.strip("._") or "unnamed"


def contained(root: Path, name: str) -> Path:
    """``root/name``, refusing any name that would land outside ``root``."""
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ResultsFormatError(f"refusing to write {name!r} outside {root}")
    return target


@dataclass
class Manifest:
    """What a run was: enough to reproduce it and to check what is on disk."""

    scenario_id: str
    scenario_hash: str
    scenario_file: str
    scenario_sha256: str
    seed: int
    replications: int
    variants: list[str]
    workers: int
    engine: str = "local"
    status: str = "running"
    started_at: str = ""
    finished_at: str = ""
    completed: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    logs: dict[str, dict[str, int]] = field(default_factory=dict)
    until_ci: float | None = None
    drillsim_version: str = __version__
    format: str = "drillsim-results"
    format_version: int = RESULTS_FORMAT


def now() -> str:
    """UTC timestamp for manifests."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def holds_files(path: Path) -> bool:
    """True if ``path`` is a file, or a folder with anything in it: writing there may replace work."""
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def check_run_dir(path: Path, *, force: bool) -> None:
    """Refuse a run folder that would replace work: any non-empty folder without ``force``, and
    with it anything but an earlier drillsim run. Checked before anything slow is started."""
    if holds_files(path):
        if not force:
            raise OutputExistsError(f"{path} already holds an earlier run; choose another --out or pass "
                                    "--force to replace it")
        if not (path / MANIFEST).exists() and path.is_dir():
            raise OutputExistsError(f"{path} is not a drillsim run folder; refusing to replace it even "
                                    "with --force")


def prepare_dir(path: Path, *, force: bool) -> Path:
    """Create a run folder; an existing non-empty one is only replaced with ``force``."""
    check_run_dir(path, force=force)
    if holds_files(path):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def next_free_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``, ... : a default output folder never replaces a run."""
    if not base.exists():
        return base
    k = 2
    while (candidate := base.with_name(f"{base.name}-{k}")).exists():
        k += 1
    return candidate


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class RunWriter:
    """Writes a run folder as replications finish."""

    def __init__(self, root: Path, manifest: Manifest, scenario_text: bytes, scenario_json: str) -> None:
        self.root = root
        self.manifest = manifest
        manifest.started_at = manifest.started_at or now()
        write_atomic(root / "scenario.yaml", scenario_text)
        write_atomic(root / "scenario.json", scenario_json)
        (root / "summaries").mkdir(exist_ok=True)
        self._files: dict[str, Any] = {}
        self.save_manifest()

    def summaries_path(self, variant: str) -> Path:
        """Where a variant's summaries go."""
        return contained(self.root, f"summaries/{safe_name(variant)}.jsonl")

    def append(self, variant: str, summaries: Iterable[ReplicationSummary]) -> None:
        """Append summaries (one JSON object per line) and flush them to disk."""
        fh = self._files.get(variant)
        if fh is None:
            fh = self._files[variant] = self.summaries_path(variant).open("a", encoding="utf-8")
        for s in summaries:
            fh.write(json.dumps(s.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
            self.manifest.completed[variant] = self.manifest.completed.get(variant, 0) + 1
        fh.flush()
        os.fsync(fh.fileno())

    def write_log(self, variant: str, which: str, replication: int, records: Sequence[EventRecord]) -> Path:
        """Save a whole event log as JSON Lines (for timelines of chosen replications)."""
        path = contained(self.root, f"logs/{safe_name(variant)}-{safe_name(which)}.jsonl")
        write_atomic(path, log_jsonl(records))
        self.manifest.logs.setdefault(variant, {})[which] = replication
        return path

    def save_manifest(self) -> None:
        """Rewrite the manifest atomically, checked against the model every reader applies."""
        data = ManifestModel.model_validate(asdict(self.manifest), strict=False).model_dump()
        write_atomic(self.root / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False))

    def close(self, status: str) -> None:
        """Close the summaries and record the final status (``complete``, ``interrupted`` or ``failed``)."""
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        self.manifest.status = status
        self.manifest.finished_at = now()
        self.save_manifest()


def log_jsonl(records: Sequence[EventRecord]) -> str:
    """An event log as JSON Lines, with a header line naming the log format."""
    head = json.dumps({"format": "drillsim-log", "format_version": LOG_FORMAT})
    return head + "\n" + "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)


def log_csv(records: Sequence[EventRecord]) -> str:
    """An event log as CSV with one column per record field (text that looks like a formula guarded)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(RECORD_FIELDS))
    w.writeheader()
    for r in records:
        w.writerow({k: cell_text(v) for k, v in r.to_dict().items()})
    return buf.getvalue()


def read_log(path: Path) -> list[EventRecord]:
    """Read a JSON Lines event log written by :func:`log_jsonl`, checking its format version."""
    lines = read_text(path, "log").splitlines()
    try:
        head = json.loads(lines[0]) if lines else {}
    except json.JSONDecodeError as exc:
        raise ResultsFormatError(f"{path}: not a drillsim event log ({exc})") from None
    if head.get("format") != "drillsim-log" or head.get("format_version") != LOG_FORMAT:
        raise ResultsFormatError(f"{path}: event log format {head.get('format_version')!r}, this drillsim "
                                 f"reads {LOG_FORMAT}")
    try:
        return [EventRecord.from_dict(json.loads(line, parse_constant=_no_constant)) for line in lines[1:] if line]
    except (json.JSONDecodeError, TypeError, ValueError, KeyError) as exc:
        raise ResultsFormatError(f"{path}: damaged event log ({exc})") from None


def _no_constant(name: str) -> float:
    """JSON's NaN and Infinity are refused: no time in a log is either."""
    raise ValueError(f"{name} where a number belongs")


@dataclass
class RunData:
    """A run folder read back: the manifest, summaries per variant, and warnings."""

    root: Path
    manifest: Manifest
    summaries: dict[str, list[ReplicationSummary]]
    warnings: list[str]


def read_manifest(root: Path) -> Manifest:
    """Read and check a run's manifest: its format and version, then every field's type and bounds."""
    path = root / MANIFEST
    if not path.is_file():
        raise ResultsFormatError(f"{root} is not a drillsim run folder (no {MANIFEST})")
    text = read_text(path, "manifest")
    try:
        head = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        head = None  # located by the model below
    if isinstance(head, dict) and head.get("format") == "drillsim-results" and \
            head.get("format_version") != RESULTS_FORMAT:
        raise ResultsFormatError(
            f"{path}: results format version {_brief(head.get('format_version'))} was written by drillsim "
            f"{_brief(head.get('drillsim_version', '?'))}; this drillsim ({__version__}) reads version "
            f"{RESULTS_FORMAT}. Re-run the scenario with this version.")
    return Manifest(**parse(ManifestModel, text, path).model_dump())


def _brief(value: Any) -> str:
    """A value read from a damaged file, short enough for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def read_run(root: Path) -> RunData:
    """Read a run folder; a complete run must have every summary it claims."""
    manifest = read_manifest(root)
    warnings: list[str] = []
    if manifest.status != "complete":
        how = {"running": "still running, or was killed", "failed": "stopped by an error"}.get(
            manifest.status, manifest.status)
        warnings.append(f"the run in {root} {'is' if manifest.status == 'running' else 'was'} {how}: results "
                        "cover only the replications finished before it stopped")
    summaries = {v: _read_summaries(root, v, manifest, warnings) for v in manifest.variants}
    return RunData(root, manifest, summaries, warnings)


def _read_summaries(root: Path, variant: str, manifest: Manifest, warnings: list[str]) -> list[ReplicationSummary]:
    path = contained(root, f"summaries/{safe_name(variant)}.jsonl")
    if not path.exists():
        if manifest.status == "complete" and manifest.completed.get(variant, 0):
            raise ResultsFormatError(f"{path} is missing")
        return []
    lines = read_text(path, "summaries").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines and manifest.status != "complete":
        lines.pop()  # the batch being written when the run stopped
        warnings.append(f"{path.name}: dropped a partly written last line")
    out = []
    for n, line in enumerate(lines, 1):
        out.append(ReplicationSummary.from_json(parse(SummaryModel, line, path, line=n).model_dump()))
    out.sort(key=lambda s: s.replication)
    expected = manifest.completed.get(variant, 0)
    if manifest.status == "complete" and len(out) != expected:
        raise ResultsFormatError(f"{path}: {len(out)} summaries but the manifest records {expected}; "
                                 "the file is truncated")
    return out
