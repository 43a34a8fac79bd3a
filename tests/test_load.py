"""The strict YAML loader: positions, dates as text, refusals."""
from __future__ import annotations

import pytest

from generator.load import LoadError, load_text


def test_records_line_and_column_of_every_node():
    doc = load_text(b"a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.mark(("b", 1, "c")) == (4, 9)  # the value
    assert doc.key_mark(("b", 1, "c")) == (4, 6)  # its key
    assert doc.mark(("b", 5, "missing")) == doc.mark(("b",)) == (3, 3)  # nearest existing node


def test_dates_stay_text_until_the_schema_checks_them():
    doc = load_text(b"published: 2025-04-01\nwhen: 2025-02-30\n", "f.yaml")
    assert doc.data == {"published": "2025-04-01", "when": "2025-02-30"}


def test_only_true_and_false_are_booleans_as_in_yaml_12():
    """YAML 1.1 also reads yes/no/on/off as booleans: `bound: on` would become true."""
    assert load_text(b"x: yes\ny: no\nbound: on\nz: off\nt: true\nf: False\n", "f.yaml").data == \
        {"x": "yes", "y": "no", "bound": "on", "z": "off", "t": True, "f": False}


@pytest.mark.parametrize("raw, message", [
    (b"a: 1\na: 2\n", "f.yaml:2:1: a: duplicate key 'a' (first defined on line 1)"),
    (b"a: &x 1\nb: *x\n", "f.yaml:2:4: (document): YAML syntax error: aliases (*name) are not allowed in policy data"),
    (b"", "f.yaml:1:1: (document): file is empty"),
    (b"a: [1, 2\n", "f.yaml:2:1: (document): YAML syntax error: expected ',' or ']', but got '<stream end>'"),
    (b"a: 'caf\xe9'\n", "f.yaml:1:8: (document): file is not valid UTF-8 (byte 0xe9)"),
    (b"<<: {a: 1}\n", "f.yaml:1:1: (document): merge keys (<<) are not allowed in policy data"),
    (b"? [a, b]\n: 1\n", "f.yaml:1:3: (document): mapping keys must be plain text"),
])
def test_refusals_are_located(raw: bytes, message: str):
    with pytest.raises(LoadError) as exc:
        load_text(raw, "f.yaml")
    assert str(exc.value.problem) == message


def test_huge_files_are_refused_before_parsing():
    with pytest.raises(LoadError, match="file is too large"):
        load_text(b"a: " + b"x" * 3_000_000 + b"\n", "f.yaml")


def test_billion_laughs_style_nesting_is_refused():
    raw = b"a: " + b"[" * 200 + b"]" * 200 + b"\n"
    with pytest.raises(LoadError, match="nesting is too deep"):
        load_text(raw, "f.yaml")


def test_a_long_running_process_parses_again_only_files_whose_bytes_changed(tmp_path, monkeypatch):
    from generator import load

    monkeypatch.setattr(load, "_parsed", {})  # as after remember_parsed_files() in serve
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    first = load.load_file(path)
    assert load.load_file(path) is first
    path.write_text("a: 2\n", encoding="utf-8")
    assert load.load_file(path).data == {"a": 2}


def test_loading_the_catalog_leaves_no_cyclic_garbage():
    """``load_catalog`` pauses the cycle collector and freezes what it built: that is safe only
    while loading makes (almost) no reference cycles, which would otherwise stay in memory
    until the next load. A cycle per parsed file (as the YAML converter once made) is
    thousands of objects; a handful is module-level bookkeeping."""
    import gc

    from generator.validate import load_catalog
    from tests.conftest import REPO

    gc.unfreeze()
    gc.collect()
    catalog, _ = load_catalog(REPO / "policies", "policies")
    assert catalog is not None and gc.isenabled()
    gc.unfreeze()
    assert gc.collect() < 50


def test_a_reload_does_not_walk_the_frozen_objects_and_the_helper_frees_their_garbage():
    """``serve`` loads the catalog at every reload. A load collects only what is not frozen
    (walking every frozen object took 3.4 s per reload at market scale); the cyclic garbage
    that frozen objects become is freed by ``collect_frozen_garbage``, which serve's helper
    runs when no reload came for a while, and what lives is frozen again."""
    import gc
    import weakref

    from generator.validate import collect_frozen_garbage, load_catalog
    from tests.conftest import REPO

    class Cycle:
        pass

    load_catalog(REPO / "policies", "policies")  # the session's first load: a freeze
    gc.disable()  # no collection may free it by chance
    try:
        garbage = Cycle()
        garbage.itself = garbage
        watch = weakref.ref(garbage)
        gc.freeze()  # alive when frozen, as the last reload's catalog was
        del garbage  # ... and garbage now
        load_catalog(REPO / "policies", "policies")  # the next reload leaves the frozen objects alone
        assert watch() is not None
        collect_frozen_garbage()
        assert watch() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
