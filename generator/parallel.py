"""Independent groups of jobs on the machine's cores, each group in a forked process.

Rendering the site is many independent pieces of work over one read-only catalog. Like
Sphinx's ``-j``, the generator forks after the catalog is loaded: a child process inherits
the catalog (copy-on-write; ``load_catalog`` froze it, so the collector does not touch it),
computes its group of jobs and sends the results back as pickles through a pipe; the parent
computes the first group meanwhile. Results come back per group, in the order of the jobs, so
the output does not depend on which process finished first.

Forking a process that runs other threads is unsafe (a lock held by another thread stays held
in the child forever; Python 3.12 warns about it), so with more than one thread alive, or with
one core, or ``INKOOPWIJZER_JOBS=1``, every group runs here, in order. A development server
runs threads: ``serve`` therefore generates in a ``Helper``, a process forked before them.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import traceback
import weakref
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
JOBS_ENV = "INKOOPWIJZER_JOBS"
IDLE_AFTER = 10.0  # seconds without a call before a helper does its housekeeping
_INTERRUPTING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class WorkerFailed(RuntimeError):
    """A worker process ended without sending its results (killed, out of memory)."""


class Helper:
    """A long-lived process that runs ``function`` whenever asked, with the arguments given.

    Forked while this process has a single thread, it stays single-threaded when this one
    later runs threads (a development server does), so it may fork workers of its own
    (``run_groups``); and what it keeps between calls (caches, the last catalog) stays in it.
    Ctrl+C is for the parent: the helper ignores it and is stopped by ``close``, or by the
    kernel when the parent dies.
    """

    def __init__(self, function: Callable[..., T], idle: Callable[[], object] | None = None,
                 quiet: float = IDLE_AFTER):
        """``idle``: housekeeping, run once after a call when no other call came for ``quiet``
        seconds (so that edits in quick succession never wait for it)."""
        if not can_fork():
            raise RuntimeError("a helper process must be forked before any other thread starts")
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = _forked(lambda: _answer(function, request_read, reply_write, idle, quiet), close=(request_write, reply_read))
        os.close(request_read)
        os.close(reply_write)
        self.pid = pid
        self._requests = os.fdopen(request_write, "wb")
        self._replies = os.fdopen(reply_read, "rb")
        # stopped when closed, or when this object is collected or the interpreter exits
        self._finalizer = weakref.finalize(self, _stop_helper, pid, self._requests, self._replies)

    def call(self, *args: object):
        """``function(*args)`` in the helper; its exception is raised here."""
        if self._requests.closed:
            raise WorkerFailed(f"helper process {self.pid} was stopped")
        try:
            pickle.dump(args, self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
            kind, value, child_traceback = pickle.load(self._replies)
        except (EOFError, BrokenPipeError):
            self.close()
            raise WorkerFailed(f"helper process {self.pid} ended") from None
        except BaseException:  # interrupted while it works: its answer would come out of turn
            self.close()
            raise
        if kind == "error":
            value.add_note(f"in helper process {self.pid}:\n{child_traceback}")
            raise value
        return value

    def close(self) -> None:
        """Stop the helper (at once, even in the middle of a call)."""
        self._finalizer()


def _stop_helper(pid: int, *streams) -> None:
    for stream in streams:
        try:
            stream.close()
        except OSError:
            pass
    _stop(pid, None)


def worker_count() -> int:
    """``INKOOPWIJZER_JOBS`` when set (1: no worker processes), else the cores this process may use."""
    given = os.environ.get(JOBS_ENV, "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(f"{JOBS_ENV} must be a whole number of at least 1, not {given!r}")
        return int(given)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """A fork is safe only from a process with a single thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def run_groups(groups: Sequence[Sequence[Callable[[], T]]], workers: int) -> list[list[T]]:
    """Every job's result, per group, in order. With ``workers`` > 1 (and a fork is safe) the
    first group runs here and the others in ``workers - 1`` child processes at the same time;
    an exception in a job is raised here, with the child's traceback as a note."""
    if workers <= 1 or len(groups) <= 1 or not can_fork():
        return [[job() for job in group] for group in groups]
    others = list(range(1, len(groups)))
    buckets = [others[i::workers - 1] for i in range(min(workers - 1, len(others)))]
    results: list[list[T]] = [[] for _ in groups]
    children: list[tuple[list[int], int, int]] = []
    try:
        for bucket in buckets:
            children.append((bucket, *_fork([job for i in bucket for job in groups[i]])))
        results[0] = [job() for job in groups[0]]
        while children:
            bucket, pid, read_end = children.pop(0)
            received = _receive(pid, read_end, sum(len(groups[i]) for i in bucket))
            for i in bucket:
                results[i], received = received[:len(groups[i])], received[len(groups[i]):]
    finally:
        for _, pid, read_end in children:  # interrupted or failed: no worker outlives this call
            _stop(pid, read_end)
    return results


def _fork(group: Sequence[Callable[[], T]]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = _forked(lambda: _work(group, write_end), close=(read_end,))
    os.close(write_end)
    return pid, read_end


def _forked(body: Callable[[], int], close: Sequence[int]) -> int:
    """Fork; the child closes ``close`` (the parent's ends of its pipes), runs ``body`` and
    exits with its status, never returning into the caller's code. The child's pid."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            _die_with(parent)
            for fd in close:
                os.close(fd)
            status = body()
        finally:
            os._exit(status)  # no atexit handlers, no finalizers of the parent's objects
    return pid


def _die_with(parent: int) -> None:
    """On Linux, the kernel kills this worker when its parent dies: a parent killed outright
    (SIGKILL, or a SIGTERM it has no handler for) gets no chance to stop its workers."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's ``finally`` is all there is
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _work(group: Sequence[Callable[[], T]], write_end: int) -> int:
    """Compute every job first, then send the results (the parent reads them once its own
    group is done; sending as they come would block the child on a full pipe meanwhile)."""
    for sig in _INTERRUPTING:  # the parent's handlers clean up the parent's files: die at once
        signal.signal(sig, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
    with os.fdopen(write_end, "wb", buffering=1 << 20) as out:
        try:
            results = [job() for job in group]
        except BaseException as exc:  # noqa: BLE001 (sent to the parent, raised there)
            pickle.dump(("error", _picklable(exc), traceback.format_exc()), out, protocol=pickle.HIGHEST_PROTOCOL)
            return 1
        for result in results:
            pickle.dump(("ok", result, ""), out, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


def _answer(function: Callable[..., T], request_read: int, reply_write: int,
            idle: Callable[[], object] | None = None, quiet: float = IDLE_AFTER) -> int:
    """The helper's loop: one reply per request, until the parent closes the requests; the
    ``idle`` work once after a reply, when no request comes for ``quiet`` seconds."""
    if hasattr(signal, "SIGINT"):  # Ctrl+C is the parent's; the parent stops the helper
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    idle_due = False
    with os.fdopen(request_read, "rb") as requests, os.fdopen(reply_write, "wb") as replies:
        while True:
            # the parent sends one request at a time and waits for its reply, so nothing of the
            # next one is buffered here: the pipe itself says whether a request is waiting
            if idle_due and not select.select([requests], [], [], quiet)[0]:
                idle()  # type: ignore[misc]
                idle_due = False
            try:
                args = pickle.load(requests)
            except EOFError:
                return 0
            try:
                reply = ("ok", function(*args), "")
            except Exception as exc:  # noqa: BLE001 (raised in the parent)
                reply = ("error", _picklable(exc), traceback.format_exc())
            pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
            replies.flush()
            idle_due = idle is not None


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _receive(pid: int, read_end: int, count: int) -> list:
    results = []
    with os.fdopen(read_end, "rb") as received:
        try:
            for _ in range(count):
                kind, value, child_traceback = pickle.load(received)
                if kind == "error":
                    value.add_note(f"in worker process {pid}:\n{child_traceback}")
                    raise value
                results.append(value)
        except EOFError:
            _, status = os.waitpid(pid, 0)
            raise WorkerFailed(f"worker process {pid} ended without its results ({_status_text(status)})") from None
        except BaseException:
            _stop(pid, None)
            raise
    os.waitpid(pid, 0)
    return results


def _stop(pid: int, read_end: int | None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    if read_end is not None:
        os.close(read_end)


def _status_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
