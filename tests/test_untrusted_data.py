"""Data from outside the team: files that are not files, names that are escape sequences,
ids that would collide on the site, calendar text that would split a line."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build_site
from generator.errors import InkoopwijzerError
from generator.render.site import DuplicatePath, _put_checked
from generator.validate import load_catalog

from .tree import make_project, make_tree

REPO = Path(__file__).resolve().parent.parent
POLICY = REPO / "tests" / "fixtures" / "tree" / "acme" / "fysiotherapie-2026.yaml"


def validate(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "validate", "policies"], cwd=cwd,
                          capture_output=True, text=True, timeout=60,
                          env={**{k: v for k, v in os.environ.items() if k != "INKOOPWIJZER_SOURCES"},  # not the fixture's
                               "PYTHONPATH": str(REPO)})


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "link-out", "link-in"])
def test_only_regular_files_inside_the_policies_folder_are_read(tmp_path: Path, kind: str):
    policies = make_tree(tmp_path)
    target = policies / "acme" / "extra-2026.yaml"
    outside = tmp_path / "elders.yaml"
    shutil.copy(POLICY, outside)
    if kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "link-out":
        target.symlink_to(outside)
    else:  # a link to a file inside the policies folder is fine
        shutil.copy(POLICY, policies / "acme" / "bron.yaml.txt")
        target.symlink_to(policies / "acme" / "bron.yaml.txt")
    proc = validate(tmp_path)  # the timeout catches a hang on the FIFO
    assert "Traceback" not in proc.stderr
    if kind == "link-in":
        assert proc.returncode == 0, proc.stderr
        return
    expected = {
        "dev-zero": f"file is a link to /dev/zero, outside {policies}; refusing to read it",
        "fifo": "file is a FIFO, not a regular file; refusing to read it",
        "folder": "file is a folder, not a regular file; refusing to read it",
        "link-out": f"file is a link to {outside}, outside {policies}; refusing to read it",
    }[kind]
    assert proc.returncode == 1
    assert f"policies/acme/extra-2026.yaml:1:1: (document): {expected}" in proc.stderr, proc.stderr


def test_devices_are_never_read():
    from generator.load import UnreadableFile, read_regular_file

    with pytest.raises(UnreadableFile, match="is a device, not a regular file"):
        read_regular_file(Path("/dev/zero"), 1000)
    with pytest.raises(UnreadableFile, match="is too large"):
        read_regular_file(POLICY, 10)


def test_escape_sequences_in_names_and_keys_reach_the_terminal_escaped(tmp_path: Path, monkeypatch, capsys):
    from generator.cli import main

    policies = make_tree(tmp_path)
    text = POLICY.read_text(encoding="utf-8").replace("family: paramedische-zorg",
                                                      'family: paramedische-zorg\n"\\e[2J\\e[Hok": 1')
    (policies / "acme" / "\x1b[2Jok\x07.yaml").write_text(text, encoding="utf-8")
    (policies / "acme" / "tweede-2026.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "policies"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "policy file name '\\x1b[2Jok\\x07' must be an id" in err, err
    assert "policies/acme/\\x1b[2Jok\\x07.yaml:" in err
    assert "\\x1b[2J\\x1b[Hok: unknown field" in err


# ----------------------------------------------------------------------------- collisions


def test_slugs_and_anchors_that_two_items_share_are_located_errors(tmp_path: Path):
    policies = make_tree(tmp_path)
    for insurer in ("a", "a-b"):
        shutil.copytree(policies / "acme", policies / insurer)
        for source in (policies / "registry" / "sources").glob("acme.yaml"):
            text = source.read_text(encoding="utf-8")
        (policies / "registry" / "sources" / f"{insurer}.yaml").write_text(
            text.replace("acme-fysiotherapie-2026", f"{insurer}-bron").replace("insurer: acme", f"insurer: {insurer}"),
            encoding="utf-8")
    # a + family 'b-c' and a-b + family 'c': both vergelijk/jaren/a-b-c/
    for insurer, family, stem in (("a", "b-c", "b-2026"), ("a-b", "c", "2026")):
        src = policies / insurer / "fysiotherapie-2026.yaml"
        text = src.read_text(encoding="utf-8").replace("family: paramedische-zorg", f"family: {family}")
        text = text.replace("acme-fysiotherapie-2026", f"{insurer}-bron")
        src.unlink()
        (policies / insurer / f"{stem}.yaml").write_text(text, encoding="utf-8")
        (policies / insurer / f"{stem}-bis.yaml").write_text(text, encoding="utf-8")
    _, problems = load_catalog(policies, "policies")
    errors = [str(p) for p in problems if p.severity == "error"]
    assert any("would share the comparison page vergelijk/jaren/a-b-c/" in e for e in errors), errors
    # a/b-2026 and a-b/2026 both anchor their deadline 'publicatie' as #a-b-2026-publicatie
    assert any("would share the agenda anchor #a-b-2026-publicatie" in e for e in errors), errors


def test_the_writer_refuses_a_second_write_and_a_shared_url():
    files: dict = {}
    served: dict = {}
    _put_checked(files, "beleid/a/b.md", "x", served)
    with pytest.raises(DuplicatePath, match="two renderers wrote beleid/a/b.md"):
        _put_checked(files, "beleid/a/b.md", "y", served)
    with pytest.raises(DuplicatePath, match="would both be published as beleid/a/b/index.html"):
        _put_checked(files, "beleid/a/b/index.md", "y", served)
    with pytest.raises(ValueError, match="unsafe path segment"):
        _put_checked(files, "beleid/../x.md", "y", served)


def test_a_page_with_duplicate_ids_fails_the_build(tmp_path: Path):
    config = make_project(tmp_path)
    (tmp_path / "content" / "over.md").write_text('# Over\n\n<a id="x"></a><a id="x"></a>\n', encoding="utf-8")
    with pytest.raises(InkoopwijzerError, match="site build failed"):
        build_site(config, tmp_path / "out")


# ----------------------------------------------------------------------------- calendars


def test_calendar_text_never_splits_a_line(tmp_path: Path):
    """A bare CR in NAME / X-WR-CALNAME let a parser read an injected event."""
    from icalendar import Calendar

    from generator.render.ics import calendar

    cat, _ = load_catalog(make_tree(tmp_path))
    hostile = "Naam\rEND:VCALENDAR\r\nBEGIN:VEVENT\nSUMMARY:nep\x00\u2028x, y; z\\"
    raw = calendar(hostile, hostile, [], cat)
    text = raw.decode("utf-8")
    assert "\r" not in text.replace("\r\n", "") and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines.count("BEGIN:VCALENDAR") == 1 and not any(line.startswith("BEGIN:VEVENT") for line in lines)
    for prop in ("NAME", "X-WR-CALNAME"):
        assert f"{prop}:Naam END:VCALENDAR BEGIN:VEVENT SUMMARY:nep x\\, y\\; z\\\\" in lines
    assert "X-WR-CALDESC:Naam\\nEND:VCALENDAR\\nBEGIN:VEVENT\\nSUMMARY:nep\\nx\\, y\\; z\\\\" in lines
    Calendar.from_ical(raw)


def test_windows_device_names_are_refused_as_folder_and_file_names(tmp_path: Path):
    policies = make_tree(tmp_path)
    shutil.copytree(policies / "acme", policies / "aux")
    shutil.copy(POLICY, policies / "acme" / "nul.yaml")
    _, problems = load_catalog(policies, "policies")
    errors = [str(p) for p in problems if p.severity == "error"]
    assert "policies/aux/index.yaml:1:1: (folder): insurer id 'aux' is a device name Windows reserves; " \
           "rename the folder" in errors, errors
    assert "policies/acme/nul.yaml:1:1: (document): policy file name 'nul' is a device name Windows " \
           "reserves; rename the file" in errors, errors
