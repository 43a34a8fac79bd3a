"""The command line as a user runs it: exit codes, messages, no tracebacks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})


def test_validate_ok_exits_zero_and_reports_source_notes_as_warnings(tmp_path: Path):
    make_tree(tmp_path)
    proc = run(tmp_path, "validate", "policies")
    assert proc.returncode == 0, proc.stderr
    assert "warning: source note 'tabel-en-tekst-verschillen'" in proc.stderr
    assert proc.stderr.strip().endswith("ok: 1 policies, 1 warning(s)")


def test_source_notes_do_not_fail_strict_mode(tmp_path: Path):
    make_tree(tmp_path)
    assert run(tmp_path, "validate", "--strict", "policies").returncode == 0


def test_invalid_file_exits_one_with_located_message_and_no_traceback(tmp_path: Path):
    policies = make_tree(tmp_path)
    (policies / "acme" / "kapot-2026.yaml").write_text("title: [\n", encoding="utf-8")
    proc = run(tmp_path, "validate", "policies/acme/kapot-2026.yaml")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith("policies/acme/kapot-2026.yaml:2:1: (document): YAML syntax error")
    # naming one file reports problems of that file only (plus registry problems)
    assert "fysiotherapie-2026.yaml" not in proc.stderr


def test_missing_path_is_a_clear_error(tmp_path: Path):
    proc = run(tmp_path, "validate", "nergens")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "nergens: no such file or folder"


def test_build_refuses_invalid_data_and_keeps_the_old_site(tmp_path: Path):
    from .tree import make_project

    make_project(tmp_path)
    out = tmp_path / "site"
    first = run(tmp_path, "build", "--out", str(out))
    assert first.returncode == 0, first.stderr
    marker = out / "index.html"
    before = marker.read_bytes()
    (tmp_path / "policies" / "acme" / "fysiotherapie-2026.yaml").write_bytes(b"\xff\xfe")
    second = run(tmp_path, "build", "--out", str(out))
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert "policies/acme/fysiotherapie-2026.yaml:1:1: (document): file is not valid UTF-8 (byte 0xff)" in second.stderr
    assert marker.read_bytes() == before
