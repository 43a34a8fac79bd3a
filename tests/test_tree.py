"""The docs tree on disk (``inkoopwijzer generate --out DIR``): complete, rewritten only where
its content changed, and enough for a site builder that runs no hooks of ours."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build_site
from generator.finish import finish_site, known_scripts
from generator.search import index_site
from generator.tree import TREE_MARKER

from .tree import make_project

REPO = Path(__file__).resolve().parent.parent


def generate(config: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "generate", "--config", str(config), "--out", str(out)],
                          capture_output=True, text=True, cwd=config.parent,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def files_of(root: Path) -> dict[str, tuple[str, int]]:
    """Every file's digest and modification time."""
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return make_project(tmp_path / "project")


def test_generate_writes_the_tree_and_then_only_what_changed(project: Path, tmp_path: Path):
    out = tmp_path / "tree"
    first = generate(project, out)
    assert first.returncode == 0, first.stderr
    before = files_of(out)
    assert TREE_MARKER in before
    assert "beleid/acme/fysiotherapie-2026.md" in before
    assert "over.md" in before and "assets/pyodide/pyodide.asm.wasm" in before  # hand-written and runtime
    assert "## Bewust niet opgenomen" in (out / "methode.md").read_text(encoding="utf-8")  # extended page

    again = generate(project, out)
    assert again.returncode == 0, again.stderr
    assert "0 file(s) written, 0 removed" in again.stderr
    assert files_of(out) == before  # not even a modification time moved

    about = project.parent / "content" / "over.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nEen nieuwe zin.\n", encoding="utf-8")
    (out / "beleid" / "oud.md").write_text("# niet meer gegenereerd\n", encoding="utf-8")
    third = generate(project, out)
    assert third.returncode == 0, third.stderr
    assert "1 file(s) written, 1 removed" in third.stderr
    after = files_of(out)
    changed = {path for path in after if path != TREE_MARKER and after[path] != before.get(path)}
    assert changed == {"over.md"}
    assert "beleid/oud.md" not in after


@pytest.mark.parametrize("where", ["content", "policies", "."])
def test_generate_refuses_the_project_and_its_sources(project: Path, where: str):
    result = generate(project, project.parent / where)
    assert result.returncode == 1
    assert "refusing" in result.stderr and "Traceback" not in result.stderr


def test_generate_refuses_a_folder_that_is_not_an_earlier_tree(project: Path, tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = generate(project, folder)
    assert result.returncode == 1 and "no earlier Inkoopwijzer docs tree" in result.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_plain_site_builder_on_the_tree_then_finish_gives_the_same_site(project: Path, tmp_path: Path):
    """The builder needs nothing of ours: ProperDocs' own command on the tree (no hooks, no
    generator imports), then the post-build step, gives the site ``inkoopwijzer build`` gives."""
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        build_site(project, tmp_path / "built")
        tree = tmp_path / "tree"
        assert generate(project, tree).returncode == 0
        plain = tmp_path / "plain"
        config = project.read_text(encoding="utf-8").replace("docs_dir: content", f"docs_dir: {tree}")
        (project.parent / "plain.yml").write_text(config, encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-f",
                              str(project.parent / "plain.yml"), "-d", str(plain)],
                             capture_output=True, text=True, cwd=project.parent)
        assert run.returncode == 0, run.stderr
        assert "hooks:" not in project.read_text(encoding="utf-8")  # mkdocs.yml names no hook
        from properdocs.config import load_config

        cfg = load_config(config_file=str(project.parent / "plain.yml"), site_dir=str(plain))
        pages = finish_site(plain, known_scripts(cfg.theme.dirs, cfg.extra_javascript))
        assert pages > 50
        index_site(plain, project.parent)  # the post-build step's second part: the search index
        built = {k: v[0] for k, v in files_of(tmp_path / "built").items() if not k.startswith(".inkoopwijzer")}
        assert {k: v[0] for k, v in files_of(plain).items()} == built
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
