"""Folders a command writes into are held (locked) until the command ends, however it ends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from drillsim.cli.output import echo
from drillsim.folders import FolderLock, lock_folder, remove_if_empty
from drillsim.i18n import Msg
from drillsim.runs.store import claim_run_dir


def _keep(lock: FolderLock, *, created: bool = False) -> None:
    if lock.note:
        echo(Msg("cli.note", note=lock.note), err=True)

    def close() -> None:
        lock.release()
        if created:
            remove_if_empty(lock.folder)  # a run stopped before writing anything leaves no folder

    click.get_current_context().call_on_close(close)


def hold_run_folder(root: Path, *, force: bool, inputs: Sequence[Path]) -> Path:
    """Check, lock and prepare the run folder ``root`` (see results_io.claim_run_dir)."""
    created = not root.exists()
    _keep(claim_run_dir(root, force=force, inputs=inputs), created=created)
    return root


def hold_folder(folder: Path) -> None:
    """Lock an existing run folder that ``report`` or ``chart`` writes into."""
    _keep(lock_folder(folder))
