"""Rendering on several cores (``generator.parallel``): the same results as one process, in
order; a failure in a worker is raised in the parent; no worker outlives its parent; a
process with other threads never forks; and the docs tree is byte for byte the same.

A fork needs a process with a single thread, and other tests leave threads in the test
process (the session's HTTP server for the browser tests), so every check that forks runs
in a new interpreter (``_isolated``)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from generator import parallel
from generator.parallel import WorkerFailed, run_groups, worker_count

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _isolated(check, *args: str) -> None:
    """``check(*args)`` (a function of a test module) in a new interpreter, which runs no
    other thread."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            f"from {check.__module__} import {check.__name__} as check; check(*sys.argv[2:])")
    proc = subprocess.run([sys.executable, "-c", code, str(REPO), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _pid(tag: str):
    return lambda: (tag, os.getpid())


def _check_groups_after_the_first_run_in_other_processes_and_come_back_in_order():
    groups = [[_pid("a1"), _pid("a2")], [_pid("b1"), _pid("b2"), _pid("b3")], [_pid("c1")]]
    results = run_groups(groups, workers=3)
    assert [[tag for tag, _ in group] for group in results] == [["a1", "a2"], ["b1", "b2", "b3"], ["c1"]]
    pids = [{pid for _, pid in group} for group in results]
    assert pids[0] == {os.getpid()}
    assert pids[1] != pids[0] and pids[2] != pids[0] and pids[1] != pids[2] and all(len(p) == 1 for p in pids)


def _check_more_groups_than_workers_share_the_workers():
    groups = [[_pid(str(i))] for i in range(5)]
    results = run_groups(groups, workers=2)
    assert [group[0][0] for group in results] == ["0", "1", "2", "3", "4"]
    assert len({group[0][1] for group in results[1:]}) == 1  # one worker for the four


def test_one_worker_or_one_group_stays_in_this_process():
    for groups, workers in (([[_pid("a")], [_pid("b")]], 1), ([[_pid("a"), _pid("b")]], 4)):
        assert {pid for group in run_groups(groups, workers) for _, pid in group} == {os.getpid()}


def test_a_process_with_another_thread_does_not_fork():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        results = run_groups([[_pid("a")], [_pid("b")]], workers=2)
    finally:
        stop.set()
        thread.join()
    assert {pid for group in results for _, pid in group} == {os.getpid()}


class Refused(ValueError):
    pass


def _refuse():
    raise Refused("bad data in a worker")


def _check_an_error_in_a_worker_is_raised_here_with_its_traceback():
    with pytest.raises(Refused, match="bad data in a worker") as caught:
        run_groups([[_pid("a")], [_pid("b"), _refuse]], workers=2)
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert "in worker process" in notes and "_refuse" in notes


def _check_a_worker_that_dies_is_reported():
    with pytest.raises(WorkerFailed, match="signal 9"):
        run_groups([[_pid("a")], [lambda: os.kill(os.getpid(), signal.SIGKILL)]], workers=2)


def _check_an_error_here_stops_the_workers(folder: str):
    marker = Path(folder) / "worker.pid"

    def slow():
        marker.write_text(str(os.getpid()))
        time.sleep(60)
        return "never"

    def fail_when_worker_started():
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        raise Refused("here")

    with pytest.raises(Refused):
        run_groups([[fail_when_worker_started], [slow]], workers=2)
    _assert_gone(int(marker.read_text()))


def _assert_gone(pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"worker {pid} still runs")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_with_a_parent_killed_outright(tmp_path: Path):
    marker = tmp_path / "worker.pid"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(REPO)!r})
        from generator.parallel import run_groups
        def slow():
            open({str(marker)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        run_groups([[lambda: time.sleep(60)], [slow]], workers=2)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the worker never started"
        parent.kill()  # SIGKILL: no handler, no finally
        parent.wait(10)
        _assert_gone(int(marker.read_text()))
    finally:
        parent.kill()


def test_worker_count_follows_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    assert worker_count() == 3
    monkeypatch.delenv(parallel.JOBS_ENV)
    assert worker_count() >= 1
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(parallel.JOBS_ENV, bad)
        with pytest.raises(ValueError, match=parallel.JOBS_ENV):
            worker_count()


def _check_the_docs_tree_is_the_same_from_one_process_and_from_two():
    from generator.build import validated_catalog
    from generator.tree import docs_tree

    catalog, _ = validated_catalog(REPO / "mkdocs.yml")
    one = docs_tree(catalog, REPO / "content", REPO, "https://example.test/", workers=1)
    forks = []
    fork = parallel._fork
    parallel._fork = lambda group: forks.append(len(group)) or fork(group)
    two = docs_tree(catalog, REPO / "content", REPO, "https://example.test/", workers=2)
    assert forks, "no worker was started"
    assert list(one) == list(two)
    assert one == two
    # a build holds each generated text as UTF-8 (a third less memory than Python's text);
    # only the hand-written files and the runtime are files to copy, and the pages the
    # generator extends (home, method, about) text
    kinds = {type(content).__name__ for path, content in one.items() if not isinstance(content, Path)}
    assert kinds == {"bytes", "str"}
    assert [p for p, c in one.items() if isinstance(c, str)] == ["methode.md"]


def _check_a_helper_answers_in_its_own_process_and_keeps_its_state():
    seen: list[int] = []

    def remember(n: int) -> tuple[int, list[int]]:
        seen.append(n)
        return os.getpid(), list(seen)

    helper = parallel.Helper(remember)
    try:
        first_pid, first = helper.call(1)
        second_pid, second = helper.call(2)
    finally:
        helper.close()
    assert first_pid == second_pid != os.getpid()
    assert (first, second) == ([1], [1, 2])
    assert seen == []  # the state lives in the helper
    _assert_gone(first_pid)


def _check_a_helper_does_its_housekeeping_when_no_call_comes(folder: str):
    log = Path(folder) / "idle.log"

    def write(line: str) -> None:
        with log.open("a") as fh:
            fh.write(line + "\n")

    def answer(n: int) -> int:
        write(f"call {n}")
        return n

    def lines(count: int) -> list[str]:
        deadline = time.monotonic() + 30
        while len(log.read_text().splitlines()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return log.read_text().splitlines()

    helper = parallel.Helper(answer, idle=lambda: write("idle"), quiet=1.0)
    try:
        assert helper.call(1) == 1
        assert helper.call(2) == 2  # within the quiet time: answered first, no housekeeping between
        assert lines(3) == ["call 1", "call 2", "idle"]  # then once, when no call came
        time.sleep(1.5)
        assert log.read_text().splitlines() == ["call 1", "call 2", "idle"]  # not again without a call
        assert helper.call(3) == 3
        assert lines(5) == ["call 1", "call 2", "idle", "call 3", "idle"]
    finally:
        helper.close()


def _check_a_helper_raises_the_error_of_its_call_and_goes_on():
    from generator.errors import DataError, Problem

    def check(n: int) -> int:
        if n < 0:
            raise DataError([Problem("policies/vgz/x.yaml", 3, 5, "title", "must not be empty")])
        return n

    helper = parallel.Helper(check)
    try:
        with pytest.raises(DataError) as caught:
            helper.call(-1)
        assert caught.value.problems[0].file == "policies/vgz/x.yaml"
        assert "policies/vgz/x.yaml:3:5: title: must not be empty" in str(caught.value)
        assert helper.call(4) == 4
    finally:
        helper.close()


def _check_a_helper_forks_workers_while_its_parent_runs_threads():
    helper = parallel.Helper(lambda: run_groups([[_pid("a")], [_pid("b")]], workers=2))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert not parallel.can_fork()
        results = helper.call()
        with pytest.raises(RuntimeError, match="before any other thread"):
            parallel.Helper(lambda: None)
    finally:
        stop.set()
        thread.join()
        helper.close()
    pids = {pid for group in results for _, pid in group}
    assert len(pids) == 2 and os.getpid() not in pids


def _check_a_helper_stopped_in_the_middle_of_a_call_is_gone():
    helper = parallel.Helper(lambda: time.sleep(60))
    pid = helper.pid
    helper._requests.write(__import__("pickle").dumps(()))
    helper._requests.flush()
    helper.close()
    _assert_gone(pid)
    with pytest.raises(WorkerFailed):
        helper.call()


def test_groups_after_the_first_run_in_other_processes_and_come_back_in_order():
    _isolated(_check_groups_after_the_first_run_in_other_processes_and_come_back_in_order)


def test_more_groups_than_workers_share_the_workers():
    _isolated(_check_more_groups_than_workers_share_the_workers)


def test_an_error_in_a_worker_is_raised_here_with_its_traceback():
    _isolated(_check_an_error_in_a_worker_is_raised_here_with_its_traceback)


def test_a_worker_that_dies_is_reported():
    _isolated(_check_a_worker_that_dies_is_reported)


def test_a_helper_answers_in_its_own_process_and_keeps_its_state():
    _isolated(_check_a_helper_answers_in_its_own_process_and_keeps_its_state)


def test_a_helper_does_its_housekeeping_when_no_call_comes(tmp_path: Path):
    _isolated(_check_a_helper_does_its_housekeeping_when_no_call_comes, str(tmp_path))


def test_a_helper_raises_the_error_of_its_call_and_goes_on():
    _isolated(_check_a_helper_raises_the_error_of_its_call_and_goes_on)


def test_a_helper_forks_workers_while_its_parent_runs_threads():
    _isolated(_check_a_helper_forks_workers_while_its_parent_runs_threads)


def test_a_helper_stopped_in_the_middle_of_a_call_is_gone():
    _isolated(_check_a_helper_stopped_in_the_middle_of_a_call_is_gone)


def test_an_error_here_stops_the_workers(tmp_path: Path):
    _isolated(_check_an_error_here_stops_the_workers, str(tmp_path))


def test_the_docs_tree_is_the_same_from_one_process_and_from_two():
    _isolated(_check_the_docs_tree_is_the_same_from_one_process_and_from_two)


def _check_a_helper_no_longer_referenced_is_stopped():
    import gc

    helper = parallel.Helper(lambda: None)
    pid = helper.pid
    del helper
    gc.collect()
    _assert_gone(pid)


def test_a_helper_no_longer_referenced_is_stopped():
    _isolated(_check_a_helper_no_longer_referenced_is_stopped)
