"""Stopping a study on request, and worker processes that never outlive it.

A trainer stops a study with Ctrl-C (SIGINT) or a service manager with SIGTERM. The first signal
raises :class:`Stopped` (a ``KeyboardInterrupt``) in the main thread, so every ``finally`` runs: the
workers are terminated and the manifest is marked ``interrupted`` with the replications finished.
A stretch that must not be cut in half (a batch of summaries and the manifest that counts them) runs
inside :func:`deferred`, which holds the signal back until it ends. A second signal, or a first one
whose clean stop takes longer than :data:`GRACE` seconds, ends the process at once.

Worker processes ignore SIGINT (a Ctrl-C reaches the whole process group; their parent decides),
die on SIGTERM (how the parent terminates them) and die with their parent if it is killed
(``PR_SET_PDEATHSIG`` on Linux, a thread watching the parent's pid elsewhere).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from drillsim.files import remove_temporaries

GRACE = 6.0
"""Seconds a clean stop may take after the first signal before the process ends at once."""

STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s is not None
)


class Stopped(KeyboardInterrupt):
    """The study was asked to stop (SIGINT or SIGTERM); ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        # NOTE: the signal number is the only argument: SimPy re-raises an exception from a process
        # as ``type(exc)(*exc.args)``.
        super().__init__(int(signum))
        self.signum = int(signum)

    def __str__(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


def exit_code(exc: BaseException) -> int:
    """Exit code for a stop: the signal's for :class:`Stopped`, 130 for a plain KeyboardInterrupt."""
    return exc.exit_code if isinstance(exc, Stopped) else 130


class _State:
    """What the handler needs: how many signals came, whether one is held back, what to kill."""

    def __init__(self) -> None:
        self.count = 0
        self.depth = 0
        self.held: int | None = None
        self.finished = False
        self.children: set[int] = set()
        self.lock = threading.Lock()


_STATE = _State()


def track_child(pid: int) -> None:
    """Remember a worker process so that an immediate stop can kill it."""
    with _STATE.lock:
        _STATE.children.add(pid)


def forget_child(pid: int) -> None:
    """The worker has ended (or was terminated by its pool)."""
    with _STATE.lock:
        _STATE.children.discard(pid)


def hard_exit(code: int) -> None:
    """End the process now: kill the known workers, flush what was printed, skip every cleanup."""
    with _STATE.lock:
        children = list(_STATE.children)
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(Exception):
        remove_temporaries()  # os._exit runs no atexit hook: no half-written file is left behind
    os._exit(code)


def _handler(signum: int, _frame: FrameType | None) -> None:
    _STATE.count += 1
    if _STATE.count > 1:
        with contextlib.suppress(Exception):
            os.write(2, b"\nstopped at once\n")
        hard_exit(128 + signum)
    _start_watchdog(128 + signum)
    if _STATE.depth > 0:
        _STATE.held = signum  # raised when the deferred stretch ends
        return
    raise Stopped(signum)


def _start_watchdog(code: int) -> None:
    """After the first signal: if the clean stop hangs (a stuck worker, a C call), end anyway."""

    def watch() -> None:
        time.sleep(GRACE)
        with contextlib.suppress(Exception):
            os.write(2, b"\nstopping took too long: stopped at once\n")
            if os.environ.get("DRILLSIM_DEBUG"):  # where it hung, for a bug report
                faulthandler.dump_traceback(all_threads=True)
        hard_exit(code)

    threading.Thread(target=watch, name="drillsim-stop-watchdog", daemon=True).start()


@contextlib.contextmanager
def handle_stop_signals() -> Iterator[None]:
    """Install the SIGINT/SIGTERM handlers for a command run from the console (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    _STATE.count, _STATE.depth, _STATE.held, _STATE.finished = 0, 0, None, False
    for s in STOP_SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        if not _STATE.finished:
            for s, h in previous.items():
                signal.signal(s, h)


def ignore_stop_signals() -> None:
    """The command has finished: a Ctrl-C or SIGTERM now has nothing left to stop.

    Ignored rather than restored: at shutdown Python puts its own SIGINT handler back to the
    system default, so a Ctrl-C in the last moments of a complete run would end the process
    killed by the signal (exit -2) instead of with the command's own exit status.
    """
    _STATE.finished = True
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold a stop signal back until the block ends (a batch and the manifest that counts it).

    Only with :func:`handle_stop_signals` installed; under Python's default handler a Ctrl-C
    still interrupts at once (and the run is marked interrupted all the same).
    """
    _STATE.depth += 1
    try:
        yield
    finally:
        _STATE.depth -= 1
        if _STATE.depth == 0 and _STATE.held is not None:
            signum, _STATE.held = _STATE.held, None
            raise Stopped(signum)


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM while worker processes are started.

    A forked worker inherits the parent's handlers; with the signals blocked it cannot receive one
    before :func:`worker_setup` has installed its own. The parent gets any signal held meanwhile as
    soon as the block ends.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(STOP_SIGNALS))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


PR_SET_PDEATHSIG = 1


def worker_setup(parent: int) -> None:
    """In a worker: ignore SIGINT, die on SIGTERM, die with the parent ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(STOP_SIGNALS))
    _STATE.children.clear()
    if not _die_with_parent_linux():
        threading.Thread(
            target=_watch_parent, args=(parent,), name="drillsim-parent-watch", daemon=True
        ).start()
    if os.getppid() != parent:  # the parent died before the above took hold
        os._exit(1)


def _die_with_parent_linux() -> bool:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills this process when its parent ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc: Any = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int, every: float = 0.5, getppid: Callable[[], int] = os.getppid) -> None:
    """Portable fallback: poll the parent's pid and end the worker once it has changed."""
    while getppid() == parent:
        time.sleep(every)
    os._exit(1)


def run_console(command: Callable[[], Callable[[], Any]]) -> None:
    """Run a console command with the stop handlers in place from its first import on.

    ``command`` imports and returns the command's entry (a click ``main``); a signal during the
    imports ends with "interrupted" and the signal's exit code, never a traceback. After a stop the
    process ends with ``os._exit`` once the command has cleaned up: nothing is left to wait for
    (the workers are terminated), and interpreter shutdown must not wait on a pool's threads.
    """
    code: Any = 0
    with handle_stop_signals():
        try:
            command()()
        except SystemExit as exc:
            code = exc.code
        except KeyboardInterrupt as exc:  # before the command could catch it (during the imports)
            with contextlib.suppress(Exception):
                os.write(2, b"interrupted\n")
            code = exit_code(exc)
        if _STATE.count:
            hard_exit(code if isinstance(code, int) else 1)
        ignore_stop_signals()
    sys.exit(code)
