"""The run folder: manifest, per-replication summaries and a few whole event logs.

Every file is written atomically (a temporary file in the same folder, then renamed), except the
summaries, which are appended batch by batch so that an interrupted run keeps what it finished.
The manifest says ``complete`` only after everything else is on disk, with each summaries file's
line count, so a truncated or partial file never passes as complete. A run never replaces an
earlier run's folder without ``force``, and with it only a folder drillsim made, file by file from
its own list (:mod:`drillsim.folders`); every write goes through :mod:`drillsim.files`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drillsim import __version__, folders
from drillsim.analysis.summary import ReplicationSummary
from drillsim.errors import InputError, OutputExistsError, ResultsFormatError
from drillsim.files import record, write_atomic
from drillsim.i18n import Msg, Number
from drillsim.runs.models import ManifestModel, SummaryModel, parse, read_text
from drillsim.sim.records import LOG_FORMAT, RECORD_FIELDS, EventRecord
from drillsim.textsafe import cell_text

RESULTS_FORMAT = 4
"""Version of the run-folder layout and summary schema; bumped on any incompatible change."""

MANIFEST = "manifest.json"


def safe_name(text: str) -> str:
    """A file-name part from an id: ids are ASCII slugs already; anything else is replaced."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text)
    return cleaned.strip("._") or "unnamed"


def contained(root: Path, name: str) -> Path:
    """``root/name``, refusing any name that would land outside ``root``."""
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ResultsFormatError(Msg("runs.outside_folder", name=repr(name), folder=str(root)))
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
    return datetime.now(UTC).isoformat(timespec="seconds")


def holds_files(path: Path) -> bool:
    """True if ``path`` is a file, or a folder with anything in it: writing there may replace work."""
    return path.exists() and (not path.is_dir() or bool(folders.entries(path)))


def check_run_dir(path: Path, *, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Refuse a run folder that would replace work, before anything slow is started.

    A new or empty folder is fine. A non-empty one needs ``force``, and even then only a folder
    drillsim made, holding nothing but its own files, none of them an input (``inputs``) of this
    run, and no other drillsim process writing it. Links and files are never run folders.
    """
    if path.is_symlink():
        raise InputError(Msg("runs.out_is_link", folder=str(path), target=os.readlink(path)))
    if not path.exists():
        return
    if not path.is_dir():
        raise InputError(Msg("runs.out_is_file", folder=str(path)))
    for source in inputs:
        if Path(os.path.realpath(source)).is_relative_to(os.path.realpath(path)):
            raise InputError(Msg("runs.out_holds_input", folder=str(path), file=str(source)))
    who = folders.holder(path)
    if who is not None:
        raise folders.FolderBusyError(folders.busy_message(path, who))
    if not holds_files(path):
        return
    if not folders.is_owned(path):
        raise OutputExistsError(_not_ours(path))
    if not force:
        raise OutputExistsError(Msg("runs.out_holds_run", folder=str(path)))
    strangers = folders.foreign(path)
    if strangers:
        raise OutputExistsError(
            Msg("runs.out_holds_strangers", folder=str(path), files=", ".join(strangers))
        )


def _not_ours(path: Path) -> Msg:
    """Why a non-empty folder without drillsim's file list is never replaced, even with --force."""
    if _looks_like_a_run(path / MANIFEST):
        return Msg("runs.out_holds_old_run", folder=str(path), marker=folders.MARKER)
    return Msg(
        "runs.out_holds_other_files",
        folder=str(path),
        files=", ".join(folders.entries(path)[:5]),
    )


def _looks_like_a_run(path: Path) -> bool:
    try:
        data = (
            json.loads(path.read_text(encoding="utf-8"))
            if path.is_file() and not path.is_symlink()
            else {}
        )
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == "drillsim-results"


def prepare_dir(path: Path, *, force: bool, inputs: Sequence[Path] = ()) -> Path:
    """Create a run folder (marked as drillsim's); an earlier run in it is replaced only with
    ``force`` and only as :func:`check_run_dir` allows: its listed files are removed, nothing else."""
    check_run_dir(path, force=force, inputs=inputs)
    if holds_files(path):
        folders.empty_owned(path)
    else:
        folders.mark(path)
    return path


def claim_run_dir(path: Path, *, force: bool, inputs: Sequence[Path] = ()) -> folders.FolderLock:
    """Check, lock and prepare a run folder for this process; the caller releases the lock.

    Checked first without touching anything, then again under the lock (another run may have
    written the folder in between), so two runs started into one folder never both write it.
    """
    check_run_dir(path, force=force, inputs=inputs)
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    lock = folders.lock_folder(path)
    try:
        prepare_dir(path, force=force, inputs=inputs)
    except BaseException:
        lock.release()
        if created:
            folders.remove_if_empty(path)
        raise
    return lock


def read_files(scenario: Path | None, run: Path | None) -> list[Path]:
    """The files a command reads (a scenario, a run folder's data), which no output may replace."""
    found = [scenario] if scenario is not None else []
    if run is not None:
        found += [
            run / MANIFEST,
            run / "scenario.json",
            run / "scenario.yaml",
            *run.glob("summaries/*.jsonl"),
            *run.glob("logs/*.jsonl"),
        ]
    return found


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

    def __init__(
        self, root: Path, manifest: Manifest, scenario_text: bytes, scenario_json: str
    ) -> None:
        self.root = root
        self.manifest = manifest
        manifest.started_at = manifest.started_at or now()
        write_atomic(root / "scenario.yaml", scenario_text)
        write_atomic(root / "scenario.json", scenario_json)
        folders.make_folder(root / "summaries")
        self._files: dict[str, Any] = {}
        self.save_manifest()

    def summaries_path(self, variant: str) -> Path:
        """Where a variant's summaries go."""
        return contained(self.root, f"summaries/{safe_name(variant)}.jsonl")

    def append(self, variant: str, summaries: Iterable[ReplicationSummary]) -> None:
        """Append summaries (one JSON object per line) and flush them to disk."""
        fh = self._files.get(variant)
        if fh is None:
            path = self.summaries_path(variant)
            record(path)
            fh = self._files[variant] = path.open("a", encoding="utf-8")
        for s in summaries:
            fh.write(json.dumps(s.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
            self.manifest.completed[variant] = self.manifest.completed.get(variant, 0) + 1
        fh.flush()
        os.fsync(fh.fileno())

    def write_log(
        self, variant: str, which: str, replication: int, records: Sequence[EventRecord]
    ) -> Path:
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
    return (
        head + "\n" + "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)
    )


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
        raise ResultsFormatError(Msg("runs.not_a_log", file=str(path), detail=str(exc))) from None
    if head.get("format") != "drillsim-log" or head.get("format_version") != LOG_FORMAT:
        raise ResultsFormatError(
            Msg(
                "runs.log_format",
                file=str(path),
                found=repr(head.get("format_version")),
                reads=str(LOG_FORMAT),
            )
        )
    try:
        return [
            EventRecord.from_dict(json.loads(line, parse_constant=_no_constant))
            for line in lines[1:]
            if line
        ]
    except (json.JSONDecodeError, TypeError, ValueError, KeyError) as exc:
        raise ResultsFormatError(
            Msg("runs.damaged_log", file=str(path), detail=_detail(exc))
        ) from None


def _detail(exc: Exception) -> str:
    """An exception's text, a catalogue message kept whole (said in the reader's language)."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)


def _no_constant(name: str) -> float:
    """JSON's NaN and Infinity are refused: no time in a log is either."""
    raise ValueError(Msg("runs.json_constant", name=name))


@dataclass
class RunData:
    """A run folder read back: the manifest, summaries per variant, and warnings."""

    root: Path
    manifest: Manifest
    summaries: dict[str, list[ReplicationSummary]]
    warnings: list[str]
    """What a reader should know about the folder (catalogue messages, said in the reader's language)."""


MAX_JSON_DIGITS = 4_000
"""Longest whole number read from a results file (Python refuses more than 4,300 digits)."""


def _bounded_int(text: str) -> int:
    if len(text) > MAX_JSON_DIGITS:
        raise ValueError(
            Msg(
                "runs.number_too_long",
                digits=Number(len(text), grouped=True),
                most=Number(MAX_JSON_DIGITS, grouped=True),
            )
        )
    return int(text)


def loads_bounded(text: str) -> Any:
    """``json.loads`` with whole numbers bounded by size: a ValueError, never Python's conversion limit."""
    return json.loads(text, parse_int=_bounded_int)


def read_manifest(root: Path) -> Manifest:
    """Read and check a run's manifest: its format and version, then every field's type and bounds."""
    path = root / MANIFEST
    if not path.is_file():
        raise ResultsFormatError(Msg("runs.no_manifest", folder=str(root), file=MANIFEST))
    text = read_text(path, "manifest")
    try:
        head = loads_bounded(text)
    except (json.JSONDecodeError, ValueError):
        head = None  # located by the model below
    if (
        isinstance(head, dict)
        and head.get("format") == "drillsim-results"
        and head.get("format_version") != RESULTS_FORMAT
    ):
        raise ResultsFormatError(
            Msg(
                "runs.results_format",
                file=str(path),
                found=_brief(head.get("format_version")),
                writer=_brief(head.get("drillsim_version", "?")),
                version=__version__,
                reads=str(RESULTS_FORMAT),
            )
        )
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
        warnings.append(_unfinished(root, manifest.status))
    summaries = {v: _read_summaries(root, v, manifest, warnings) for v in manifest.variants}
    return RunData(root, manifest, summaries, warnings)


def _unfinished(root: Path, status: str) -> Msg:
    """The warning of a run that did not complete (its manifest's status)."""
    if status == "running":
        return Msg("runs.still_running", folder=str(root))
    if status == "failed":
        return Msg("runs.stopped_by_error", folder=str(root))
    return Msg("runs.interrupted", folder=str(root))  # the manifest model allows no other status


def _read_summaries(
    root: Path, variant: str, manifest: Manifest, warnings: list[str]
) -> list[ReplicationSummary]:
    path = contained(root, f"summaries/{safe_name(variant)}.jsonl")
    if not path.exists():
        if manifest.status == "complete" and manifest.completed.get(variant, 0):
            raise ResultsFormatError(Msg("runs.summaries_missing", file=str(path)))
        return []
    lines = read_text(path, "summaries").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines and manifest.status != "complete":
        lines.pop()  # the batch being written when the run stopped
        warnings.append(Msg("runs.dropped_partial_line", file=path.name))
    out = []
    for n, line in enumerate(lines, 1):
        out.append(
            ReplicationSummary.from_json(parse(SummaryModel, line, path, line=n).model_dump())
        )
    out.sort(key=lambda s: s.replication)
    expected = manifest.completed.get(variant, 0)
    if manifest.status == "complete" and len(out) != expected:
        raise ResultsFormatError(
            Msg("runs.summaries_truncated", file=str(path), found=len(out), expected=expected)
        )
    return out
