"""Every file drillsim writes goes through here: one rule, so nothing a user made is destroyed.

* A file is written whole (a temporary file beside it, then renamed), so readers see the old file or
  the new one. Temporary files in flight are known to this module and removed on every exit path:
  an exception, Ctrl-C, and SIGTERM (both stop through :mod:`drillsim.stopping`); one left by a killed process is
  removed by the next command that takes the folder over (:mod:`drillsim.folders`).
* Only a regular file is ever replaced, and only with ``--force``: never a link (nor the file it
  points to), a folder, a device, a pipe or a socket, whatever the user passes.
* A file written into a folder drillsim made is first added to that folder's file list
  (:func:`record`, in ``.drillsim-files``), which is what lets ``--force`` later remove it, and
  nothing else. The list is kept here, below :mod:`drillsim.folders` (which makes, empties and
  locks such folders), so that writing a file needs nothing above this module.
"""

from __future__ import annotations

import atexit
import json
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from drillsim.errors import InputError, OutputExistsError
from drillsim.i18n import Msg

_LIVE: set[str] = set()
"""Temporary files being written by this process, removed if it stops half-way."""

_NEW_FILE_MODE = 0o644


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a whole file so that readers see the old file or the new one, never half of it.

    An OSError names ``path`` itself, not the temporary file it was being written through.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    write_atomic_with(path, lambda fh: fh.write(payload))


def write_atomic_with(
    path: Path, write: Callable[[IO[bytes]], object], *, sync: bool = True
) -> None:
    """Write ``path`` through ``write(handle)`` on a temporary file in its folder, then rename it.

    Refuses a target that is not a regular file (:func:`check_target`), and records the file in its
    drillsim folder's list before creating it. A failure leaves no temporary file behind.
    """
    check_target(path)
    record(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_through_temporary(path, write, sync)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def _write_through_temporary(path: Path, write: Callable[[IO[bytes]], object], sync: bool) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    _LIVE.add(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        # mkstemp creates 0600; a report is meant to be shared: keep the replaced file's mode or 0644.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _LIVE.discard(tmp)


def remove_temporaries() -> None:
    """Remove the temporary files this process is writing (it is stopping)."""
    for tmp in list(_LIVE):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _LIVE.discard(tmp)


atexit.register(remove_temporaries)


_KINDS = {
    stat.S_IFCHR: Msg("files.kind_device"),
    stat.S_IFBLK: Msg("files.kind_device"),
    stat.S_IFIFO: Msg("files.kind_pipe"),
    stat.S_IFSOCK: Msg("files.kind_socket"),
}


def check_target(path: Path) -> None:
    """Refuse, even with ``--force``, a target that is not a regular file or a new name.

    A link is never replaced nor written through (its target may be anything); a folder is not a
    file name; a device, pipe or socket (``/dev/null``, ``/dev/sda``) is never replaced by a file.
    """
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISLNK(st.st_mode):
        raise InputError(Msg("files.target_is_link", path=str(path), target=os.readlink(path)))
    if stat.S_ISDIR(st.st_mode):
        raise InputError(Msg("files.target_is_folder", path=str(path)))
    kind = _KINDS.get(stat.S_IFMT(st.st_mode), Msg("files.kind_special"))
    raise InputError(Msg("files.target_not_regular", path=str(path), kind=kind))


def check_folder(path: Path) -> None:
    """Refuse an output folder that is a link (its target may be anything) or not a folder."""
    if path.is_symlink():
        raise InputError(Msg("files.folder_is_link", path=str(path), target=os.readlink(path)))
    if path.exists() and not path.is_dir():
        raise InputError(Msg("files.folder_is_file", path=str(path)))


def same_file(a: Path, b: Path) -> bool:
    """True if the two paths name one existing file (through links, hard links, ``..``)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: Path, *, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Check an output file the user named before any work is done for it.

    It must be a new name or a regular file (:func:`check_target`), must not be one of the
    ``inputs`` the command reads, must not replace an existing file unless they said --force, and
    its folder must exist or be creatable and be writable, so that minutes of simulation are not
    thrown away on a path that fails at the end.
    """
    check_target(path)
    for source in inputs:
        if same_file(path, source):
            raise InputError(Msg("files.output_is_input", path=str(path), source=str(source)))
    if path.exists() and not force:
        raise OutputExistsError(Msg("files.output_exists", path=str(path)))
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(Msg("files.parent_is_file", path=str(path), folder=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(Msg("files.no_permission", path=str(path), folder=str(folder)))


# --- the file list of a drillsim folder --------------------------------------------------------------

MARKER = ".drillsim-files"
"""The file list drillsim keeps in every folder it makes: what it wrote there, and nothing else."""
LOCK = ".drillsim-lock"
"""The lock file of a folder being written (:func:`drillsim.folders.lock_folder`)."""
_FORMAT = "drillsim-files"


def read_list(folder: Path) -> dict[str, Any] | None:
    """The folder's file list, or None if it has none (or a damaged one: then it is not proven)."""
    path = folder / MARKER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not (
        isinstance(data, dict)
        and data.get("format") == _FORMAT
        and isinstance(data.get("files"), list)
        and isinstance(data.get("folders"), list)
    ):
        return None
    return data


def write_list(folder: Path, files: Sequence[str], folders: Sequence[str]) -> None:
    """Replace the folder's file list with these files and folders (relative names, sorted)."""
    text = json.dumps(
        {
            "format": _FORMAT,
            "format_version": 1,
            "about": "drillsim made this folder; --force replaces the files listed here and "
            "refuses if anything else is in the folder",
            "folders": sorted(set(folders)),
            "files": sorted(set(files)),
        },
        indent=1,
    )
    # NOTE: not fsynced: a list lost in a crash leaves files it does not name, and --force then refuses.
    write_atomic_with(folder / MARKER, lambda fh: fh.write(text.encode("utf-8")), sync=False)


def _owner(path: Path) -> Path | None:
    """The drillsim folder ``path`` lies in: its folder or one or two above (``charts/``, ``summaries/``)."""
    if path.name in (MARKER, LOCK):
        return None
    for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
        if (folder / MARKER).is_file():
            return folder
    return None


def record(path: Path) -> None:
    """Add ``path`` (and its folder, below the drillsim folder) to the file list, before it is written.

    Outside a drillsim folder this does nothing. Inside one, a link on the way is refused: drillsim
    never writes through one.
    """
    owner = _owner(path)
    if owner is None:
        return
    listed = read_list(owner)
    if listed is None:
        return
    rel = path.relative_to(owner)
    folders = [p.as_posix() for p in rel.parents if p.as_posix() != "."]
    for sub in folders:
        if (owner / sub).is_symlink():
            raise InputError(Msg("files.listed_folder_is_link", path=str(owner / sub)))
    if rel.as_posix() in listed["files"] and set(folders) <= set(listed["folders"]):
        return
    write_list(owner, [*listed["files"], rel.as_posix()], [*listed["folders"], *folders])
