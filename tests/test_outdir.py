"""``build --out``: the one place a build deletes things never destroys what it is given.

Refusals (the project, its sources, files, foreign folders), the marker every build
writes, the umask, full and read-only disks, missing permissions, SIGTERM and SIGINT at
random moments (the folder always holds the old site or the new one, complete), two
builds at once, and the leftovers of killed builds.
"""
from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import outdir
from generator.build import build_site
from generator.errors import InkoopwijzerError

from .tree import make_project

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1750000000"


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def tree_state(root: Path) -> dict[str, str]:
    """Every file (and folder) under ``root`` with its content: 'untouched' means equal."""
    state = {str(p.relative_to(root)) + "/": "" for p in root.rglob("*") if p.is_dir()}
    state.update(digest(root))
    return state


def cli(project: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=project,
                          capture_output=True, text=True, timeout=180, env=env, **kwargs)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    make_project(tmp_path / "project")
    return tmp_path / "project"


# ----------------------------------------------------------------------------- refusals

REFUSED = {
    "the project": (".", "that is the project folder"),
    "the project, spelled out": ("../project", "that is the project folder"),
    "a folder holding the project": ("..", "it holds the project"),
    "policies": ("policies", "that is the project's policies/ folder"),
    "inside policies": ("policies/acme", "it lies inside the project's policies/ folder"),
    "new folder inside policies": ("policies/nieuw", "it lies inside the project's policies/ folder"),
    "content": ("content", "that is the project's content/ folder"),
    "site_overrides": ("site_overrides", "that is the project's site_overrides/ folder"),
    "mkdocs.yml": ("mkdocs.yml", "that is the project's mkdocs.yml file"),
    "a regular file": ("notities.txt", "that is a file, not a folder"),
    "under a file": ("notities.txt/site", "notities.txt is a file, not a folder"),
    "a foreign folder": ("../eigen", "it holds 1 file(s) but no earlier Inkoopwijzer site"),
    "a link to policies": ("koppeling", "that is the project's policies/ folder"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_outputs_are_left_untouched(project: Path, case: str, monkeypatch, capsys):
    from generator.cli import main

    out, message = REFUSED[case]
    (project / "notities.txt").write_text("mijn notities\n", encoding="utf-8")
    (project.parent / "eigen").mkdir()
    (project.parent / "eigen" / "belangrijk.txt").write_text("niet weggooien\n", encoding="utf-8")
    (project / "koppeling").symlink_to(project / "policies")
    before = tree_state(project.parent)
    monkeypatch.chdir(project)
    assert main(["build", "--out", out]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "refusing to build there: " in lines[0] and message in lines[0], err
    assert tree_state(project.parent) == before


def test_every_build_marks_its_site_and_may_replace_only_a_marked_folder(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()  # an empty folder is fine
    build_site(project / "mkdocs.yml", out)
    assert (out / outdir.MARKER).read_text(encoding="utf-8") == outdir.MARKER_TEXT
    (out / "oud.html").write_text("van de vorige keer", encoding="utf-8")
    build_site(project / "mkdocs.yml", out)  # an earlier site: replaced as a whole
    assert not (out / "oud.html").exists() and (out / "index.html").is_file()
    (out / outdir.MARKER).unlink()
    with pytest.raises(InkoopwijzerError, match="no earlier Inkoopwijzer site"):
        build_site(project / "mkdocs.yml", out)
    assert (out / "oud.html").exists() is False and (out / "index.html").is_file()


def test_the_site_is_created_with_the_users_umask(project: Path, tmp_path: Path):
    old = os.umask(0o022)
    try:
        build_site(project / "mkdocs.yml", tmp_path / "out")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "out" / "beleid").stat().st_mode & 0o777 == 0o755


def test_leftovers_of_killed_builds_are_removed(project: Path, tmp_path: Path):
    for name in (".out.building-1-dead", ".out.old-2-dead"):
        (tmp_path / name / "x").mkdir(parents=True)
    (tmp_path / ".anders.building-3").mkdir()  # not ours: another output's
    build_site(project / "mkdocs.yml", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".anders.building-3"]


# ----------------------------------------------------------------------------- disks


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_disk_errors_are_one_clear_line_and_keep_the_old_site(project: Path, tmp_path: Path, monkeypatch, error):
    out = tmp_path / "out"
    build_site(project / "mkdocs.yml", out)
    before = digest(out)
    import properdocs.utils

    real = properdocs.utils.write_file
    calls = {"n": 0}

    def failing(content, path):
        calls["n"] += 1
        if calls["n"] > 10:
            raise OSError(error, os.strerror(error), path)
        return real(content, path)

    monkeypatch.setattr(properdocs.utils, "write_file", failing)
    with pytest.raises(InkoopwijzerError) as exc:
        build_site(project / "mkdocs.yml", out)
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"cannot write the site to {out}")
    assert os.strerror(error) in message and "the earlier site, if any, is unchanged" in message
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_no_permission_for_the_parent_is_one_clear_line(project: Path, tmp_path: Path, monkeypatch):
    real = Path.mkdir

    def denied(self, *args, **kwargs):
        if self.name.startswith(".out.building-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    with pytest.raises(InkoopwijzerError, match=r"cannot write the site to .*: Permission denied; the earlier"):
        build_site(project / "mkdocs.yml", tmp_path / "out")


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 30 MB tmpfs: room for one site (about 18 MB) but not for two."""
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()}); the simulated ENOSPC test covers it")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_keeps_the_old_site(project: Path, small_disk: Path):
    out = small_disk / "site"
    first = cli(project, "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = digest(out)
    proc = cli(project, "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "No space left on device (the disk is full); the earlier site, if any, is unchanged" in proc.stderr
    assert digest(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["site"]


# ----------------------------------------------------------------------------- signals and concurrency


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A project whose data changed after an earlier build: (project, old site, digests of
    the old and the new site, seconds a build takes)."""
    root = tmp_path_factory.mktemp("sites")
    project = root / "project"
    make_project(project)
    assert cli(project, "--out", str(root / "ref-old")).returncode == 0
    policy = project / "policies" / "acme" / "fysiotherapie-2026.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "title: Inkoopbeleid Fysiotherapie 2026", "title: Inkoopbeleid Fysiotherapie 2026 (herzien)"), encoding="utf-8")
    start = time.monotonic()
    assert cli(project, "--out", str(root / "ref-new")).returncode == 0
    duration = time.monotonic() - start
    old, new = digest(root / "ref-old"), digest(root / "ref-new")
    assert old != new
    return project, root / "ref-old", old, new, duration


def _ctrl_c_as_in_a_terminal() -> None:
    """The build starts with Ctrl+C's default action, as from a terminal: a test run started
    in the background (``cmd &`` without job control) passes SIGINT on as ignored, and Python
    keeps an ignored SIGINT ignored, so the SIGINT cases would test nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sigterm_sigint_and_sighup_at_any_moment_leave_a_complete_site(sites, tmp_path: Path):
    project, old_site, old, new, duration = sites
    rng = random.Random(12)
    moments = sorted(rng.uniform(0.15, 2.0) * duration for _ in range(6))
    outcomes = []
    for i, moment in enumerate(moments):
        out = tmp_path / f"site-{i}"
        shutil.copytree(old_site, out, symlinks=True)
        sig = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)[i % 3]  # CI cancel, Ctrl+C, a closed terminal
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
        running = subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=project,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                   preexec_fn=_ctrl_c_as_in_a_terminal)
        time.sleep(moment)
        running.send_signal(sig)
        _, err = running.communicate(timeout=120)
        state = digest(out)
        assert state in (old, new), f"signal {sig} after {moment:.2f}s left an incomplete site ({err})"
        assert running.returncode in (0, 128 + sig, 130, -sig), (running.returncode, err)
        if "Traceback" in err:  # Ctrl+C while Python itself was still starting: nothing was touched
            assert err.rstrip().endswith("KeyboardInterrupt") and state == old, err
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(f".site-{i}.")]
        assert leftovers == [], leftovers
        outcomes.append("new" if state == new else "old")
    assert "old" in outcomes  # the signals did land during builds


def _pagefind_running(below: Path, binary_only: bool = False) -> list[int]:
    """Pagefind processes (the npm launcher or, with ``binary_only``, the binary it starts)
    indexing a folder below ``below``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            names = cmdline[:1] if binary_only else cmdline[:2]
            wanted = b"pagefind_" if binary_only else b"pagefind"
            if any(wanted in part for part in names) and str(below).encode() in b" ".join(cmdline):
                found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find the indexing process")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_the_search_index_is_built_leaves_the_old_site_and_no_process(sites, tmp_path: Path, sig):
    """The last step of a build runs Pagefind (an npm launcher and the binary it starts); a
    signal then stops both before the staging folder is removed, so nothing is left behind
    and no indexer keeps writing."""
    project, old_site, old, _, _ = sites
    out = tmp_path / "site"
    shutil.copytree(old_site, out, symlinks=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    running = subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not _pagefind_running(tmp_path, binary_only=True) and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running.poll() is None, "the build ended before the search index was built"
    running.send_signal(sig)
    _, err = running.communicate(timeout=120)
    assert running.returncode in (128 + sig, 130, -sig), (running.returncode, err)
    assert digest(out) == old
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left
    time.sleep(0.5)
    assert _pagefind_running(tmp_path) == []


def test_two_builds_at_once_both_succeed_one_after_the_other(sites, tmp_path: Path):
    project, old_site, old, new, _ = sites
    out = tmp_path / "site"
    shutil.copytree(old_site, out)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results = [r.communicate(timeout=180) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], results
    assert digest(out) == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []
