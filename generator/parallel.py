"""Independent groups of jobs on the machine's cores, each group in a forked process.

Rendering the site is many independent pieces of work over one read-only catalog. Like
Sphinx's ``-j``, the generator forks after the catalog is loaded: a child process inherits
the catalog (copy-on-write; ``load_catalog`` froze it, so the collector does not touch it),
computes its group of jobs and sends the results back as pickles through a pipe; the parent
computes the first group meanwhile. Results come back per group, in the order of the jobs, so
the output does not depend on which process finished first.

Forking a process that runs other threads is unsafe (a lock held by another thread stays held
in the child forever; Python 3.12 warns about it), so with more than one thread alive, as in
``serve``, or with one core, or ``INKOOPWIJZER_JOBS=1``, every group runs here, in order.
"""
from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
JOBS_ENV = "INKOOPWIJZER_JOBS"
_INTERRUPTING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class WorkerFailed(RuntimeError):
    """A worker process ended without sending its results (killed, out of memory)."""


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
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            _die_with(parent)
            os.close(read_end)
            for sig in _INTERRUPTING:  # the parent's handlers clean up the parent's files
                signal.signal(sig, signal.SIG_DFL)
            if hasattr(signal, "pthread_sigmask"):
                signal.pthread_sigmask(signal.SIG_SETMASK, set())
            status = _work(group, write_end)
        finally:
            os._exit(status)  # no atexit handlers, no finalizers of the parent's objects
    os.close(write_end)
    return pid, read_end


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
    with os.fdopen(write_end, "wb", buffering=1 << 20) as out:
        try:
            results = [job() for job in group]
        except BaseException as exc:  # noqa: BLE001 (sent to the parent, raised there)
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            pickle.dump(("error", exc, traceback.format_exc()), out, protocol=pickle.HIGHEST_PROTOCOL)
            return 1
        for result in results:
            pickle.dump(("ok", result, ""), out, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


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
