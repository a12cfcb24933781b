"""Folders drillsim makes (run folders): a file list that proves what is drillsim's, and a lock.

A folder drillsim creates gets a marker, ``.drillsim-files``: the list of every file and folder
drillsim wrote into it, each added *before* it is created. ``--force`` removes exactly those and
only if nothing else is there: a folder without the marker (a web application's folder with its
own ``manifest.json``, a run folder of an older drillsim), or one holding a file drillsim did not
write, or the file being read, is refused before anything is removed.

A command writing into such a folder holds ``.drillsim-lock`` in it (``flock``, with the pid and
the command line inside): a second writer is refused at once, naming the first. A lock left by a
killed process is free again (the kernel releases it) and is taken over with a note; the taker
then removes the temporary files the killed process left.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drillsim.errors import InputError
from drillsim.files import LOCK, MARKER, read_list, write_list
from drillsim.i18n import Msg

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: the pid in the lock file decides
    fcntl = None  # type: ignore[assignment]

TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
"""The names of drillsim's temporary files (``.manifest.json.k2j4h_9x.tmp``)."""


class FolderBusyError(InputError):
    """Another drillsim process is writing the folder."""


def mark(folder: Path) -> None:
    """Make ``folder`` a drillsim folder with an empty file list."""
    folder.mkdir(parents=True, exist_ok=True)
    write_list(folder, [], [])


def is_owned(folder: Path) -> bool:
    """True if drillsim made ``folder`` (it holds a readable file list)."""
    return read_list(folder) is not None


def make_folder(path: Path) -> Path:
    """Create a folder inside a drillsim folder, recorded in its list."""
    owner = path.parent if (path.parent / MARKER).is_file() else None
    listed = read_list(owner) if owner else None
    if owner is not None and listed is not None and path.name not in listed["folders"]:
        write_list(owner, listed["files"], [*listed["folders"], path.name])
    path.mkdir(exist_ok=True)
    return path


def entries(folder: Path) -> list[str]:
    """What is in ``folder`` besides drillsim's lock and file list: nothing means nothing is replaced."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (LOCK, MARKER))


def foreign(folder: Path, limit: int = 5) -> list[str]:
    """Up to ``limit`` things in ``folder`` that drillsim did not write (relative names; all of them
    if it is not a drillsim folder). Temporary files of drillsim's pattern and empty folders are not
    counted: nothing is lost with them."""
    listed = read_list(folder)
    if listed is None:
        return entries(folder)[:limit]
    files, folders = set(listed["files"]), set(listed["folders"])
    found: list[str] = []
    for rel, is_dir in _walk(folder, folders):
        if len(found) >= limit:
            break
        path = folder / rel
        if path.is_symlink():
            ok = False
        elif is_dir:
            ok = rel in folders or not any(path.iterdir())
        elif rel in files:
            ok = path.is_file()  # not a device or pipe put under a listed name
        else:
            ok = bool(TEMPORARY.match(path.name)) and path.is_file()
        if not ok:
            found.append(rel + ("/" if is_dir else ""))
    return found


def _walk(folder: Path, listed_folders: set[str]) -> Iterator[tuple[str, bool]]:
    """(relative name, is a folder) of everything in ``folder``, entering only listed folders."""
    stack = [""]
    while stack:
        here = stack.pop()
        for p in sorted((folder / here).iterdir() if here else folder.iterdir()):
            rel = f"{here}/{p.name}" if here else p.name
            if rel in (MARKER, LOCK):
                continue
            is_dir = p.is_dir() and not p.is_symlink()
            yield rel, is_dir
            if is_dir and rel in listed_folders:
                stack.append(rel)


def remove_if_empty(folder: Path) -> None:
    """Remove a drillsim folder that holds nothing but its (empty) file list."""
    listed = read_list(folder)
    if listed is None or listed["files"] or entries(folder):
        return
    (folder / MARKER).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass


def empty_owned(folder: Path) -> None:
    """Remove the files and folders of ``folder``'s list (checked to be all that is there), then
    start a new, empty list. Nothing not listed is removed: a folder that is not empty is kept."""
    listed = read_list(folder)
    if listed is None:  # pragma: no cover - callers check is_owned first
        raise InputError(Msg("files.folder_not_ours", folder=str(folder)))
    remove_stale_temporaries(folder)
    for rel in listed["files"]:
        path = folder / rel
        if path.is_file() and not path.is_symlink() and _below(folder, path):
            path.unlink()
    for rel in sorted(listed["folders"], key=lambda r: -r.count("/")):
        path = folder / rel
        if (
            path.is_dir()
            and not path.is_symlink()
            and _below(folder, path)
            and not any(path.iterdir())
        ):
            path.rmdir()
    write_list(folder, [], [])


def _below(folder: Path, path: Path) -> bool:
    """A listed name must stay inside the folder (the list is a file: it may have been edited)."""
    return (
        path.resolve().is_relative_to(folder.resolve())
        and ".." not in Path(os.path.normpath(path)).parts
    )


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed drillsim left in a folder it owns (and its listed folders)."""
    listed = read_list(folder)
    if listed is None:
        return []
    removed = []
    for sub in ["", *listed["folders"]]:
        here = folder / sub
        if not here.is_dir() or here.is_symlink() or not _below(folder, here):
            continue
        for p in here.iterdir():
            if TEMPORARY.match(p.name) and p.is_file() and not p.is_symlink():
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


# --- the lock --------------------------------------------------------------------------------------

_HELD: list[FolderLock] = []


@dataclass
class FolderLock:
    """A folder held by this process; :meth:`release` (idempotent) frees it."""

    folder: Path
    fd: int | None
    note: str = ""
    """A note for the user (a :class:`~drillsim.i18n.Msg`): the lock was taken over from a stopped process."""

    def release(self) -> None:
        """Remove the lock file and let the next writer in."""
        if self.fd is None:
            return
        path = self.folder / LOCK
        try:
            if os.stat(path, follow_symlinks=False).st_ino == os.fstat(self.fd).st_ino:
                path.unlink()
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None
        if self in _HELD:
            _HELD.remove(self)


def _close_in_child() -> None:
    # A forked worker must not keep a lock alive after its parent is gone: its copy is closed
    # (the parent's lock stays: flock belongs to the open file, released when all copies close).
    for lock in _HELD:
        if lock.fd is not None:
            try:
                os.close(lock.fd)
            except OSError:
                pass
            lock.fd = None
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def lock_folder(folder: Path) -> FolderLock:
    """Take ``folder`` for this process, or raise :class:`FolderBusyError` naming the holder."""
    path = folder / LOCK
    while True:
        fd = os.open(
            path,
            os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0),
            0o644,
        )
        before = _holder(fd)
        if not _try_lock(fd, before):
            os.close(fd)
            raise FolderBusyError(busy_message(folder, before))
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # released and removed between our open and our lock: take the new file
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(_me()).encode("utf-8"))
    lock = FolderLock(folder, fd)
    if before and before.get("pid") != os.getpid():
        lock.note = Msg(
            "files.lock_taken_over",
            folder=str(folder),
            pid=str(before.get("pid")),
            command=_command(before),
        )
    _HELD.append(lock)
    remove_stale_temporaries(folder)
    return lock


def _try_lock(fd: int, before: dict[str, Any] | None) -> bool:
    if fcntl is not None:
        # NOTE: a few tries: another command's look at the lock (holder()) holds it for microseconds.
        for attempt in range(5):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(0.02 * (attempt + 1))
                continue
            return True
        return False
    return not (before and _alive(before))  # pragma: no cover - without flock, the pid decides


def holder(folder: Path) -> dict[str, Any] | None:
    """Who holds ``folder`` (pid, command, since) if another live process does, else None."""
    path = folder / LOCK
    if any(lock.fd is not None and _same(lock.folder, folder) for lock in _HELD):
        return None  # this process: the run that holds it checks the folder again under its lock
    if not path.is_file() or path.is_symlink():
        return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        who = _holder(fd)
        if fcntl is None:  # pragma: no cover
            return who if who and _alive(who) else None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return who or {}
        return None
    finally:
        os.close(fd)


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def busy_message(folder: Path, who: dict[str, Any] | None) -> Msg:
    """The refusal when another drillsim process writes ``folder``."""
    who = who or {}
    fields = {"pid": str(who.get("pid", "?")), "command": _command(who), "folder": str(folder)}
    if who.get("since"):
        return Msg("files.folder_busy_since", since=str(who["since"]), **fields)
    return Msg("files.folder_busy", **fields)


def _holder(fd: int) -> dict[str, Any] | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 8192).decode("utf-8") or "null")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _me() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(["drillsim", *sys.argv[1:]]),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _command(who: dict[str, Any]) -> str:
    """The holder's command line, shown safely: printable characters only, cut to 120."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(who.get("command", "drillsim")))
    return text if len(text) <= 120 else text[:119] + "…"


def _alive(who: dict[str, Any]) -> bool:  # pragma: no cover - used without flock only
    pid = who.get("pid")
    if not isinstance(pid, int) or who.get("host") != socket.gethostname():
        return isinstance(pid, int)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
