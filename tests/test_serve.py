"""``inkoopwijzer serve`` as a newcomer meets it: it says where the site is served and when
each rebuild starts and ends, and an open page reloads itself after an edit (live reload
under the page's Content-Security-Policy)."""
from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .browser import browser, wait_until
from .tree import make_project

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running ``inkoopwijzer serve`` whose output lines can be awaited."""

    def __init__(self, config: Path, port: int):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--config", str(config),
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=config.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"serve never printed {text!r}; it printed:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture()
def server(tmp_path: Path):
    config = make_project(tmp_path)
    port = _free_port()
    srv = Server(config, port)
    srv.url = f"http://127.0.0.1:{port}/"  # type: ignore[attr-defined]
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.browser
def test_serve_says_where_and_when_and_reloads_an_open_page(server: Server, tmp_path: Path):
    server.wait_for("Building documentation")
    server.wait_for("Built the search index once for this session")
    server.wait_for("Documentation built in")
    assert server.wait_for("Serving on").endswith(f"Serving on {server.url}")  # type: ignore[attr-defined]
    assert "Traceback" not in "\n".join(server.lines)
    helpers = _children(server.proc.pid)  # the generation's helper process, forked at the start
    assert len(helpers) == 1, helpers

    with browser() as b:
        page = b.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "zoeken/?q=behandelindex")  # type: ignore[attr-defined]
        wait_until(page, "document.querySelectorAll('.pagefind-ui__result').length > 0", timeout=30)
        page.goto(server.url + "over/")  # type: ignore[attr-defined]
        page.evaluate("window.__beforeEdit = true")
        over = tmp_path / "content" / "over.md"
        over.write_text(over.read_text(encoding="utf-8") + "\nNieuwe zin na de wijziging.\n", encoding="utf-8")
        server.wait_for("Detected file changes")
        server.wait_for("Building documentation")
        # only the edited page is written again into the docs tree (compared by content)
        assert "1 file(s) rewritten, 0 removed" in server.wait_for("Generated the docs tree")
        server.wait_for("Documentation built in")
        wait_until(page, "document.body && document.body.innerText.includes('Nieuwe zin na de wijziging')",
                   timeout=30)
        assert page.evaluate("window.__beforeEdit === undefined"), "the page did not reload itself"
        assert not [e for e in errors if "Content Security Policy" in e], errors
    assert _children(server.proc.pid) == helpers  # the same helper served the reload
    server.stop()
    from .test_parallel import _assert_gone

    _assert_gone(helpers[0])  # and it ends with the session


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc), e.g. serve's helper process."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return sorted(found)


def test_a_preview_of_one_insurer_holds_its_policies_only(tmp_path: Path):
    """``serve --insurer vgz``: the tree has VGZ's policy pages and no other insurer's; the
    other insurers and the registries are still read, so references stay checked; an edit to a
    VGZ policy rewrites its pages."""
    from generator.serve import LiveTree

    config = make_project(tmp_path, with_real_policies=True)
    from generator import memo

    live = LiveTree(config, tmp_path / "tree", frozenset({"vgz"}))
    try:
        update = live.refresh("http://127.0.0.1:8000/")
        assert update is not None
        policy_pages = {p.parent.name + "/" + p.name for p in (tmp_path / "tree" / "beleid").glob("*/*.md")}
        assert policy_pages and all(name.startswith("vgz/") for name in policy_pages)
        assert (tmp_path / "tree" / "verzekeraars" / "cz.md").is_file()  # every insurer is still known
        policy = tmp_path / "policies" / "vgz" / "paramedische-zorg-2024.yaml"
        policy.write_text(policy.read_text(encoding="utf-8").replace("title: Inkoopbeleid", "title: Bewerkt inkoopbeleid", 1),
                          encoding="utf-8")
        again = live.refresh("http://127.0.0.1:8000/")
        assert "beleid/vgz/paramedische-zorg-2024.md" in again.written
    finally:
        live.close()
    assert not memo.active()  # the session's pieces end with it (the next test renders afresh)


def test_a_preview_of_an_unknown_insurer_is_refused(tmp_path: Path):
    config = make_project(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "generator", "serve", "--config", str(config), "--insurer", "nope"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert proc.returncode != 0
    assert "--insurer: no insurer folder nope" in proc.stderr and "Serving on" not in proc.stdout + proc.stderr


def test_a_reload_in_the_helper_process_reports_invalid_data_and_recovers(tmp_path: Path):
    """The session's generation runs in a helper process: it validates before serving, and
    the first generation keeps what that validated; an invalid edit arrives here as the
    same located ``DataError``; the next good edit is generated; closing stops the helper.
    (In a new interpreter: the helper is forked only where no other thread runs.)"""
    from .test_parallel import _isolated

    _isolated(_check_reload_in_the_helper, str(tmp_path))


def _check_reload_in_the_helper(folder: str) -> None:
    import os

    from generator.build import data_epoch, validated_catalog
    from generator.errors import DataError
    from generator.serve import LiveTree

    config = make_project(Path(folder))
    live = LiveTree(config, Path(folder) / "tree")
    try:
        assert live._helper is not None
        # serve validates in the helper before it serves: the first generation does not
        # validate every policy again, it uses each one's validated record from the check
        catalog, _ = validated_catalog(config)
        assert live.check() == (data_epoch(catalog), tuple(sorted(catalog.insurers)))
        first = live.refresh("http://127.0.0.1:8000/")
        assert first is not None and first.reused[0] >= len(catalog.policies)
        policy = next(p for p in sorted((Path(folder) / "policies").glob("*/*.yaml"))
                      if p.name != "index.yaml" and "title:" in p.read_text(encoding="utf-8"))
        good = policy.read_text(encoding="utf-8")
        policy.write_text(good.replace("title:", "title: [not, a, title]\nold_title:", 1), encoding="utf-8")
        with pytest.raises(DataError) as caught:
            live.refresh("http://127.0.0.1:8000/")
        assert policy.name in str(caught.value) and caught.value.problems
        policy.write_text(good.replace("title: ", "title: Bewerkt ", 1), encoding="utf-8")
        again = live.refresh("http://127.0.0.1:8000/")
        assert again is not None and any(path.startswith("beleid/") for path in again.written)
        pid = live._helper.pid
    finally:
        live.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
