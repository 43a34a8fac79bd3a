"""Every value that validates builds: hypothesis puts values of every kind (text of any
characters, huge and non-finite numbers, dates in any year) into the fixture policy; when
validation accepts the file, every renderer, the open data and the build date must cope."""
from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import data_epoch
from generator.bundle import engine_bundle
from generator.escape import json_text
from generator.load import load_file
from generator.render.site import render_site
from generator.validate import load_catalog

from .tree import make_tree

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tree" / "acme" / "fysiotherapie-2026.yaml"
DATA = load_file(FIXTURE).data


def _leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, path + (i,))
    else:
        yield path


LEAVES = sorted(_leaves(DATA), key=str)
VALUES = (
    st.text(max_size=40) | st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
    | st.integers() | st.sampled_from([10**400, -(10**20), 2**53, 2**63])
    | st.floats() | st.dates().map(str) | st.sampled_from(["9999-12-31", "2106-02-08", "0001-01-01", "2100-12"])
    | st.sampled_from(["17:00", "2025-09", "\n", "x\n", "a\rb", "</title><script>", "[a](javascript:b)"])
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(LEAVES), value=VALUES)
def test_a_value_that_validates_also_renders(tmp_path_factory, where, value):
    import copy

    data = copy.deepcopy(DATA)
    node = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    policies = make_tree(tmp_path_factory.mktemp("value"))
    (policies / "acme" / "fysiotherapie-2026.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    catalog, problems = load_catalog(policies)
    assert all(p.line >= 1 for p in problems)
    if catalog is None:
        return
    render_site(catalog, "# Inkoopwijzer\n", "http://127.0.0.1:8000/")
    json_text(engine_bundle(catalog))
    assert 0 < data_epoch(catalog) < 2**32  # the build date fits gzip's 32-bit header
