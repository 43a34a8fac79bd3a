"""The real pipeline: validate -> render -> a strict mkdocs build, on a throw-away project."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator.build import build_site, data_epoch
from generator.errors import DataError

from .tree import make_project

HOSTILE = '<script>alert("x")</script> [klik](javascript:alert(1)) <img src=x onerror=alert(1)>'


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return make_project(tmp_path)


def test_build_writes_policy_insurer_index_and_open_data_pages(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = build_site(project, out)
    assert result.out_dir == out.resolve()
    page = (out / "beleid" / "acme" / "fysiotherapie-2026" / "index.html").read_text(encoding="utf-8")
    assert "Inkoopbeleid Fysiotherapie 2026" in page
    assert 'id="tariefgroep-a"' in page
    assert "https://acme.example.org/zorgaanbieders/fysiotherapie" in page  # citation link
    assert (out / "verzekeraars" / "acme" / "index.html").is_file()
    assert (out / "beleid" / "index.html").is_file()
    data = json.loads((out / "data" / "beleid" / "acme" / "fysiotherapie-2026.json").read_text())
    assert data["id"] == "acme/fysiotherapie-2026"
    assert data["contracts"][0]["tiers"][0]["criterion"]["of"][1]["register"] == "skf-label-keurmerk"
    index = json.loads((out / "data" / "index.json").read_text())
    assert [p["id"] for p in index["policies"]] == ["acme/fysiotherapie-2026"]
    assert (out / "data" / "schema" / "policy.schema.json").is_file()


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path, monkeypatch):
    build_site(project, tmp_path / "a")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(project, tmp_path / "b")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_failed_build_leaves_earlier_output_untouched(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    build_site(project, out)
    before = tree_digest(out)
    policy = project.parent / "policies" / "acme" / "fysiotherapie-2026.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("kind: module", "kind: modul"), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        build_site(project, out)
    assert "contracts[1].kind" in str(exc.value)
    assert tree_digest(out) == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".out.")]
    assert leftovers == []


def test_policy_text_is_escaped_never_executed(project: Path, tmp_path: Path):
    policy = project.parent / "policies" / "acme" / "fysiotherapie-2026.yaml"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("summary: Testbeleid met twee tariefgroepen, een module en een addendum.",
                        "summary: '" + HOSTILE.replace("'", "''") + "'")
    text = text.replace("name: Tariefgroep A", "name: '" + HOSTILE.replace("'", "''") + "'")
    policy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build_site(project, out)
    html = (out / "beleid" / "acme" / "fysiotherapie-2026" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "javascript:" not in html.replace("&lt;", "<").split("<p>")[0] or 'href="javascript:' not in html
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_build_date_comes_from_the_data_not_the_clock(project: Path, tmp_path: Path, monkeypatch):
    """mkdocs stamps the build date (e.g. in sitemap.xml.gz); it must follow the data."""
    import struct

    from generator.validate import load_catalog

    catalog, _ = load_catalog(project.parent / "policies")
    build_site(project, tmp_path / "out")
    raw = (tmp_path / "out" / "sitemap.xml.gz").read_bytes()
    mtime = struct.unpack("<I", raw[4:8])[0]  # gzip header MTIME field
    assert mtime == data_epoch(catalog)
    assert "SOURCE_DATE_EPOCH" not in os.environ  # restored after the build
