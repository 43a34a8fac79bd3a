"""Hostile and broken input: profiles for `inkoopwijzer check`, and fuzzing the loader and engine."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.bundle import engine_bundle
from generator.engine import ProfileError, evaluate
from generator.engine.evaluate import ENGINE_VERSION
from generator.load import LoadError, load_text
from generator.validate import load_catalog

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent
PROFILES = sorted((REPO / "tests" / "profiles").glob("*.yaml"))


def expected(path: Path) -> str:
    first = path.read_bytes().decode("latin-1").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_broken_profile_gives_a_clear_error_naming_the_fact(profile: Path, tmp_path: Path):
    policies = make_tree(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "generator", "check", "--profile",
                           str(profile.relative_to(REPO)), "--policies", str(policies)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stderr
    assert expected(profile) in proc.stderr.splitlines(), proc.stderr


def test_check_cli_prints_text_and_stable_json(tmp_path: Path):
    policies = make_tree(tmp_path)
    profile = tmp_path / "p.json"
    profile.write_text('{"facts": {"alle_therapeuten_big": true, "alle_fysiotherapeuten_kwaliteitsregister": true,'
                       ' "aantal_unieke_patienten": {"2024": 12}}}', encoding="utf-8")
    base = [sys.executable, "-m", "generator", "check", "--profile", str(profile), "--policies", str(policies),
            "--insurer", "acme", "--care-type", "fysiotherapie", "--year", "2026"]
    text = subprocess.run(base, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    assert "Beste haalbare: Overeenkomst Fysiotherapie – Tariefgroep B" in text.stdout
    first = subprocess.run(base + ["--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    second = subprocess.run(base + ["--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert first.stdout == second.stdout and f'"engine_version": {ENGINE_VERSION}' in first.stdout
    unknown = subprocess.run(base[:-2] + ["--insurer", "nope"], cwd=REPO, capture_output=True, text=True)
    assert unknown.returncode == 1 and "--insurer nope: unknown" in unknown.stderr


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_fuzz_loader_never_crashes(raw: bytes):
    try:
        load_text(raw, "fuzz.yaml")
    except LoadError as exc:
        assert exc.problem.file == "fuzz.yaml" and exc.problem.line >= 1


YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    cat, _ = load_catalog(make_tree(tmp_path_factory.mktemp("hostile")))
    return engine_bundle(cat)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=YAMLISH)
def test_fuzz_engine_accepts_or_rejects_cleanly(bundle, profile):
    try:
        answer = evaluate(bundle, profile)
    except ProfileError as exc:
        assert exc.problems
    else:
        assert answer["engine_version"] == ENGINE_VERSION


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=YAMLISH)
def test_fuzz_policy_validation_reports_problems_not_tracebacks(tmp_path_factory, data):
    import yaml

    root = tmp_path_factory.mktemp("fuzzpolicy")
    policies = make_tree(root)
    (policies / "acme" / "fuzz-2026.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    catalog, problems = load_catalog(policies)
    assert catalog is None or not [p for p in problems if p.severity == "error"]
    assert all(p.file and p.line >= 1 for p in problems)
