"""Broken and hostile policy files: each gives its exact, located message and exit 1.

Every file in tests/broken/ starts with two kinds of comment lines:
``# target: <path inside policies/>`` (where the test puts it) and one or more
``# expect: <exact line>`` that ``inkoopwijzer validate`` must print.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli import main

from .tree import make_tree

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(BROKEN.glob("*.yaml"))


def header(path: Path) -> tuple[str, list[str]]:
    target, expect = None, []
    for line in path.read_bytes().decode("latin-1").splitlines():
        if line.startswith("# target: "):
            target = line.removeprefix("# target: ").strip()
        elif line.startswith("# expect: "):
            expect.append(line.removeprefix("# expect: ").rstrip())
    assert target and expect, f"{path.name}: needs '# target:' and '# expect:' lines"
    return target, expect


def run_validate(cwd: Path, capsys, *args: str) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(["validate", *args])
    finally:
        os.chdir(old)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_there_are_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_file_gives_exact_located_message(case: Path, tmp_path: Path, capsys):
    target, expected = header(case)
    policies = make_tree(tmp_path)
    dest = policies / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(case.read_bytes())

    code, output = run_validate(tmp_path, capsys, "policies")

    assert code == 1, output
    assert "Traceback" not in output
    lines = output.splitlines()
    for line in expected:
        assert line in lines, f"expected line not printed:\n  {line}\ngot:\n{output}"


def test_valid_fixture_tree_passes(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.delenv("INKOOPWIJZER_SOURCES", raising=False)  # the fixture's sources are not there
    make_tree(tmp_path)
    code, output = run_validate(tmp_path, capsys, "policies")
    assert code == 0, output
    assert "ok: 1 policies" in output
