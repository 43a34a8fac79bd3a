"""A serve session renders only the pieces whose inputs changed (``generator.memo``).

Each piece names its inputs by hand, so each kind of edit a contributor makes is tried here:
after every edit, the session's tree must be byte for byte the tree a full generation of the
same data writes. An input left out of a key shows here as a stale page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import REPO
from .test_parallel import _isolated
from .tree import make_project

SITE_URL = "http://127.0.0.1:8000/"

# (what a contributor does, file under policies/, text before, text after); applied in order,
# each on top of the ones before. Every "before" is asserted to be there.
EDITS = [
    ("a threshold", "vgz/wijkverpleging-2024.yaml", "\n    value: 250000\n", "\n    value: 260000\n"),
    ("a criterion's wording", "vgz/wijkverpleging-2024.yaml",
     "niet hoger dan € 250.000: altijd een cliëntvolgende", "niet hoger dan € 250.000: steeds een cliëntvolgende"),
    ("a policy's title", "vgz/paramedische-zorg-2024.yaml", "title: Inkoopbeleid", "title: Bewerkt inkoopbeleid"),
    ("a deadline's dates", "vgz/wijkverpleging-2024.yaml",
     "start: 2023-05-15, end: 2023-06-15", "start: 2023-05-16, end: 2023-06-19"),
    ("a deadline's action", "vgz/wijkverpleging-2024.yaml",
     "action: Inschrijven voor een overeenkomst met de vragenlijst", "action: Inschrijven via de vragenlijst"),
    ("a glossary definition", "registry/glossary/common.yaml",
     "Wettelijk register van zorgverleners", "Wettelijk register van alle zorgverleners"),
    ("an insurer's name", "vgz/index.yaml", "short_name: VGZ", "short_name: VGZ-groep"),
    ("a publication date", "vgz/wijkverpleging-2024.yaml", "published: null", "published: 2023-05-01"),
    ("a care type added", "zilveren-kruis/fysiotherapie-2026-2027.yaml",
     "care_types: [fysiotherapie]\n", "care_types: [fysiotherapie, oefentherapie]\n"),
    ("a care type added to a comparison in parts", "zilveren-kruis/fysiotherapie-2024-2025.yaml",
     "care_types: [fysiotherapie]\n", "care_types: [fysiotherapie, oefentherapie]\n"),
    ("an insurer leaves the last part of a comparison (the other parts keep their columns)",
     "zorg-en-zekerheid/paramedische-zorg-2024.yaml", "care_types: [fysiotherapie]\n", "care_types: [oefentherapie]\n"),
    ("a period lengthened", "zilveren-kruis/fysiotherapie-2026-2027.yaml",
     "contract_years: [2026, 2027]\nperiod: {start: 2026, end: 2027}",
     "contract_years: [2026, 2027, 2028]\nperiod: {start: 2026, end: 2028}"),
]


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _check_every_edit_gives_the_tree_of_a_full_generation(folder: str) -> None:
    from generator import memo
    from generator.build import hand_written_dir, validated_catalog
    from generator.errors import DataError
    from generator.serve import LiveTree
    from generator.tree import docs_tree, write_tree

    from generator.render import compare_pages

    compare_pages.PART_INSURERS = 2  # comparisons in parts (a new interpreter): each part is kept on its own
    root = Path(folder)
    config = make_project(root, with_real_policies=True)
    live = LiveTree(config, root / "tree")  # its helper renders with the memo, forked from here
    memo.forget()  # ... while this process renders everything, for the reference

    def validated_catalog_or_problems(config: Path):
        try:
            return validated_catalog(config)
        except DataError as exc:
            return None, exc.problems

    def full_tree(step: int) -> dict[str, bytes]:
        catalog, _ = validated_catalog(config)
        files = docs_tree(catalog, hand_written_dir(config), root, SITE_URL)
        out = root / f"full-{step}"
        write_tree(files, out)
        found = _tree_bytes(out)
        shutil.rmtree(out)
        return found

    def same_trees(step: int, what: str) -> None:
        session, full = _tree_bytes(root / "tree"), full_tree(step)
        assert sorted(session) == sorted(full), what
        stale = [path for path in full if session[path] != full[path]]
        assert not stale, f"after {what}, the session's tree differs from a full generation: {stale[:10]}"

    try:
        first = live.refresh(SITE_URL)
        assert first is not None and first.reused[0] == 0 and first.reused[1] > 0
        same_trees(0, "the first generation")
        originals: dict[Path, str] = {}
        for step, (what, name, before, after) in enumerate(EDITS, start=1):
            path = root / "policies" / name
            text = path.read_text(encoding="utf-8")
            originals.setdefault(path, text)
            assert before in text, f"{name} no longer holds {before!r}: choose another edit"
            path.write_text(text.replace(before, after, 1), encoding="utf-8")
            update = live.refresh(SITE_URL)
            assert update is not None and update.written, what
            same_trees(step, what)
            if what in ("a threshold", "a policy's title"):  # one policy: most pieces are kept
                reused, used = update.reused
                assert reused / used > 0.6, f"after {what}, only {reused} of {used} pieces were kept"
        # an edit the checks refuse: the session reports the same located error as a full check
        path = root / "policies" / "vgz" / "wijkverpleging-2024.yaml"
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("fact: omzet_verzekeraar,", "fact: omzet_onbekend,", 1), encoding="utf-8")
        with pytest.raises(DataError) as refused:
            live.refresh(SITE_URL)
        _, full_problems = validated_catalog_or_problems(config)
        assert refused.value.problems == full_problems and "omzet_onbekend" in str(refused.value)
        path.write_text(good, encoding="utf-8")
        assert live.refresh(SITE_URL) is not None
        same_trees(len(EDITS) + 1, "an error mended")
        # a policy removed from the middle of its lineage (nothing continues its contracts), then every edit undone at once
        removed = root / "policies" / "zorg-en-zekerheid" / "paramedische-zorg-2025.yaml"
        kept = removed.read_text(encoding="utf-8")
        removed.unlink()
        assert live.refresh(SITE_URL) is not None
        same_trees(len(EDITS) + 2, "a policy removed")
        removed.write_text(kept, encoding="utf-8")
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        assert live.refresh(SITE_URL) is not None
        same_trees(len(EDITS) + 3, "the policy back and every edit undone")
    finally:
        live.close()


def test_every_edit_gives_the_tree_of_a_full_generation(tmp_path: Path):
    """(In a new interpreter: the session's helper is forked only where no other thread runs.)"""
    assert (REPO / "policies" / "zorg-en-zekerheid" / "paramedische-zorg-2025.yaml").is_file()
    _isolated(_check_every_edit_gives_the_tree_of_a_full_generation, str(tmp_path))


def test_nothing_is_kept_outside_a_serve_session(catalog):
    """A build renders everything: the memo is off unless ``serve`` switches it on."""
    from generator import memo
    from generator.render.pages import render_pages

    assert not memo.active()
    calls = []
    assert memo.cached(("any",), lambda: calls.append(1) or "x") == "x"
    assert memo.cached(("any",), lambda: calls.append(1) or "x") == "x"
    assert calls == [1, 1]
    assert render_pages(catalog)  # renders without asking for digests


def test_a_round_keeps_what_it_used_and_drops_the_rest():
    """A reload uses what the last one kept; what it did not use (an edited policy's old
    pieces) is gone after it, so the memo holds one site, not every version of it."""
    from generator import memo

    memo.remember()
    try:
        memo.begin_round()
        assert memo.cached(("a",), lambda: "a, first") == "a, first"
        assert memo.cached(("b",), lambda: "b, first") == "b, first"
        memo.end_round()
        memo.begin_round()
        assert memo.cached(("a",), lambda: "a, again") == "a, first"
        assert memo.round_counts() == (1, 1)
        memo.end_round()
        memo.begin_round()
        assert memo.cached(("b",), lambda: "b, again") == "b, again"  # dropped by the last round
        assert memo.cached(None, lambda: "no key") == "no key"  # nothing to go by: never kept
        assert memo.round_counts() == (0, 1)
        memo.end_round()
    finally:
        memo.forget()
    assert not memo.active()


_made: list[str] = []


def _part(name: str, edit: int = 0) -> str:
    from generator import memo

    return memo.cached(("part", name, edit), lambda: _made.append(name) or f"{name}{edit}")


def _scope(edit: int) -> str:
    """A piece of two parts: a (which an edit changes) and b (itself made of b1)."""
    from generator import memo

    return memo.cached(("scope", edit), lambda: _part("a", edit) + memo.cached(
        ("part", "b"), lambda: _made.append("b") or _part("b1")))


def _rounds(steps: list[tuple[int, list[str]]]) -> None:
    from generator import memo

    for edit, expected in steps:
        memo.begin_round()
        _made.clear()
        assert _scope(edit) == f"a{edit}b10"
        assert _made == expected, (edit, _made)
        memo.end_round()


def test_the_parts_of_a_piece_reused_whole_are_kept_for_a_later_edit():
    """A checker scope is made of one part per policy: a round that reuses the scope whole
    never asks for its parts, yet they must still be there when a later edit changes the
    scope (else that edit makes every part again: a title edit after a threshold edit took
    a second longer at 100x). Parts of parts too."""
    from generator import memo

    memo.remember()
    try:  # the edit back to 0 makes part a again: the round of edit 1 did not use a0
        _rounds([(0, ["a", "b", "b1"]), (0, []), (0, []), (1, ["a"]), (0, ["a"])])
    finally:
        memo.forget()


def test_the_parts_of_a_piece_made_in_a_worker_come_back_with_it():
    _isolated(_check_parts_come_back_from_a_worker)


def _check_parts_come_back_from_a_worker() -> None:
    from generator import memo
    from generator.parallel import run_groups

    memo.remember()
    _rounds([(0, ["a", "b", "b1"])])
    memo.begin_round()  # edit 1 in a worker: scope 1 and a1 are new there, b is reused
    _made.clear()
    _, there = run_groups([[lambda: None], [lambda: _scope(1), memo.report]], workers=2)
    assert there[0] == "a1b10" and _made == []  # made in the worker, not here
    memo.absorb(there[1])
    memo.end_round()
    _rounds([(1, []), (2, ["a"])])  # scope 1 reused whole here: b and b1 kept for edit 2


def test_a_lineage_follows_continued_contracts_through_every_policy():
    """A policy continuing a contract of one that itself continues an older one depends on
    both (the real data has chains of one step only, so a made-up chain is used): each once,
    in key order, a reference to a policy not in the data left out, a cycle ended."""
    from types import SimpleNamespace

    from generator import memo

    def rec(key, *continues):
        return SimpleNamespace(key=key, policy=SimpleNamespace(
            continues=[SimpleNamespace(policy=c) for c in continues]))

    recs = [rec("z/2026", "z/2025"), rec("z/2025", "z/2024", "gone/2020"), rec("z/2024", "z/2026"),
            rec("a/2026")]
    catalog = SimpleNamespace(policies={r.key: r for r in recs})
    assert [r.key for r in memo.lineage(catalog, [recs[0]])] == ["z/2024", "z/2025", "z/2026"]
    assert [r.key for r in memo.lineage(catalog, [recs[3], recs[1]])] == ["a/2026", "z/2024", "z/2025", "z/2026"]
    assert [r.key for r in memo.lineage(catalog, [recs[3]])] == ["a/2026"]


def test_a_second_page_renderer_reuses_the_compiled_templates(catalog, monkeypatch):
    """Each reload makes a new ``PageRenderer``; its templates are compiled once per process
    (a fifth of a title edit's reload at 100x went to compiling them), and a template whose
    source changed is compiled again."""
    from jinja2.bccache import Bucket

    from generator.render import pages

    first = pages.render_pages(catalog)
    compiled, loaded = [], []
    monkeypatch.setattr(pages._COMPILED, "dump_bytecode",
                        lambda bucket, keep=pages._COMPILED.dump_bytecode: compiled.append(bucket.key) or keep(bucket))

    def load(bucket, keep=pages._COMPILED.load_bytecode):
        keep(bucket)
        loaded.append(bucket.code is not None)

    monkeypatch.setattr(pages._COMPILED, "load_bytecode", load)
    assert pages.render_pages(catalog) == first
    assert compiled == [] and loaded and all(loaded)
    renderer = pages.PageRenderer(catalog)
    name = "policy.md.j2"
    source, filename, _ = renderer.env.loader.get_source(renderer.env, name)
    bucket = Bucket(renderer.env, pages._COMPILED.get_cache_key(name, filename), pages._COMPILED.get_source_checksum(source + " "))
    pages._COMPILED.load_bytecode(bucket)
    assert bucket.code is None  # another source: Jinja compiles it again


def test_the_serve_hook_keeps_the_themes_compiled_templates(tmp_path: Path, monkeypatch):
    """ProperDocs makes a new theme environment for every build of a serve session; the
    serve hook hands each the session's compiled templates, so a reload does not compile
    mkdocs-material's templates again."""
    from generator import mkdocs_hooks
    from generator.build import _site_builder, load_builder_config

    _site_builder()
    monkeypatch.setattr(mkdocs_hooks, "_theme_code", type(mkdocs_hooks._theme_code)())
    config = make_project(tmp_path)
    loaded = []
    keep = mkdocs_hooks._theme_code.load_bytecode

    def load(bucket):
        keep(bucket)
        loaded.append(bucket.code is not None)

    monkeypatch.setattr(mkdocs_hooks._theme_code, "load_bytecode", load)
    for build in range(2):
        cfg = load_builder_config(config, tmp_path / "content", tmp_path / "site")
        env = mkdocs_hooks.on_env(cfg.theme.get_env(), config=cfg, files=None)
        assert env.get_template("main.html")
        if build == 0:
            assert loaded and not any(loaded)  # the first build compiles ...
            loaded.clear()
    assert loaded and all(loaded)  # ... the next one loads what it compiled
