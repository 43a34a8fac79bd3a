"""Profile values a visitor could send: refused with a message, never accepted wrongly,
never a traceback, in the engine (shared by CLI and browser) and on the command line."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.bundle import engine_bundle
from generator.engine import ProfileError, evaluate
from generator.engine.profile import MAX_DEPTH, check_profile, parse_profile_json
from generator.escape import json_text
from generator.validate import load_catalog

from .tree import make_tree

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    cat, _ = load_catalog(make_tree(tmp_path_factory.mktemp("profiles")))
    return engine_bundle(cat)


HOSTILE_VALUES = (
    st.sampled_from([math.nan, math.inf, -math.inf, 10**5000 - 1, -(10**400), 1e308, 2**63, 10**16])
    | st.floats() | st.integers() | st.text(max_size=12) | st.booleans() | st.none()
    | st.dates().map(str) | st.sampled_from(["2024-02-30", "2023-13-01", "0000-01-01", "2024-2-3", "99999-01-01"])
    | st.recursive(st.integers(), lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c,
                                                                                    max_size=3), max_leaves=8)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_value_for_any_fact_is_accepted_soundly_or_refused(bundle, data):
    fact = data.draw(st.sampled_from(sorted(bundle["facts"])))
    value = data.draw(HOSTILE_VALUES)
    try:
        clean = check_profile({"facts": {fact: value}}, bundle["facts"])
    except ProfileError as exc:
        assert exc.problems and all(len(p) < 400 for p in exc.problems)
        return
    if fact in clean:
        v = clean[fact]
        assert not (isinstance(v, float) and not math.isfinite(v))
        assert not (isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**15)
        if bundle["facts"][fact]["type"] == "date":
            import datetime

            datetime.date.fromisoformat(v)
    answer = evaluate(bundle, {"facts": {fact: value}})
    json_text(answer)  # never NaN or Infinity in an answer


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='{}[]":,0123456789.eE-+ NaIfinity tru', max_size=80))
def test_any_json_text_parses_strictly_or_is_refused(text):
    try:
        parse_profile_json(text)
    except ProfileError as exc:
        assert exc.problems


@pytest.mark.parametrize("text, message", [
    ('{"facts": {"behandelindex": NaN}}', "NaN is not a number a fact can hold"),
    ('{"facts": {"behandelindex": Infinity}}', "Infinity is not a number a fact can hold"),
    ('{"facts": {"behandelindex": -Infinity}}', "-Infinity is not a number a fact can hold"),
    ('{"facts": {"behandelindex": 1e999}}', "number 1e999 is too large"),
    ('{"facts": {"behandelindex": ' + "9" * 5000 + "}}", "number with 5000 digits is too large"),
    ("[" * 100_000 + "]" * 100_000, f"nested too deeply (more than {MAX_DEPTH} levels)"),
    ('{"facts": {"behandelindex": 1, "behandelindex": 2}}', "duplicate key 'behandelindex'"),
    ('{"facts": {"a": 1}, "facts": {}}', "duplicate key 'facts'"),
    ('{"facts": ', "invalid JSON"),
])
def test_strict_json(text, message):
    with pytest.raises(ProfileError) as exc:
        parse_profile_json(text)
    assert message in exc.value.problems[0]


NESTED: list = [1]
for _ in range(40):
    NESTED = [NESTED]


def fact_of(bundle, kind: str) -> str:
    """A fact of one type measured once (not per year), from the registry itself."""
    return next(fid for fid, f in sorted(bundle["facts"].items()) if f["type"] == kind and not f.get("yearly"))


@pytest.mark.parametrize("profile, message", [
    ({"facts": [1, 2]}, "profile: 'facts' must be a mapping of fact names to values, got a list"),
    ({"facts": "ja"}, "profile: 'facts' must be a mapping of fact names to values, got text"),
    ({"facts": {"{number}": math.nan}}, "fact '{number}': expects a finite number (number), got nan"),
    ({"facts": {"{number}": 10**5000}}, "fact '{number}': number is too large"),
    ({"facts": {"{number}": 10**20}}, "fact '{number}': is too large (number), got 100000000000000000000"),
    ({"facts": {"{number}": NESTED}}, "fact '{number}': nested too deeply (more than 32 levels)"),
    ({"facts": {"{date}": "2024-02-30"}}, "fact '{date}': expects an existing date (YYYY-MM-DD) (date), got '2024-02-30'"),
])
def test_check_profile_messages(bundle, profile, message):
    names = {"{number}": fact_of(bundle, "number"), "{date}": fact_of(bundle, "date")}
    if isinstance(profile["facts"], dict):
        profile = {"facts": {names.get(k, k): v for k, v in profile["facts"].items()}}
    for placeholder, name in names.items():
        message = message.replace(placeholder, name)
    with pytest.raises(ProfileError) as exc:
        check_profile(profile, bundle["facts"])
    assert exc.value.problems[0].startswith(message), exc.value.problems


def test_nan_never_turns_unknown_into_not_eligible(bundle):
    with pytest.raises(ProfileError):
        evaluate(bundle, {"facts": {fact_of(bundle, "number"): float("nan")}})


CLI_CASES = {
    "nan.json": ('{"facts": {"{number}": NaN}}', "p.json: profile: NaN is not a number a fact can hold"),
    "infinity.yaml": ("facts: {{number}: .inf}", "expects a finite number (number), got inf"),
    "huge.json": ('{"facts": {"{number}": ' + "9" * 5000 + "}}", "number with 5000 digits is too large"),
    "huge.yaml": ("facts: {{number}: " + "9" * 5000 + "}", "facts.{number}: number is too large"),
    "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "duplicate.json": ('{"facts": {"{number}": 1, "{number}": 2}}', "duplicate key '{number}'"),
    "date.yaml": ("facts: {{date}: 2024-02-30}", "expects an existing date"),
    "list.json": ('{"facts": [1, 2]}', "'facts' must be a mapping of fact names to values, got a list"),
    "escape.json": ('{"facts": {"\\u001b[2Jok": 1}}', "fact '\\x1b[2Jok': unknown fact"),
}


@pytest.fixture(scope="module")
def policies(tmp_path_factory) -> Path:
    return make_tree(tmp_path_factory.mktemp("check"))


def check(capsys, *args: str) -> tuple[int, str, str]:
    from generator.cli import main

    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", CLI_CASES)
def test_check_cli_refuses_hostile_profiles_in_one_line_each(name, policies: Path, bundle, tmp_path: Path, capsys):
    text, message = CLI_CASES[name]
    for placeholder, kind in (("{number}", "number"), ("{date}", "date")):
        text, message = text.replace(placeholder, fact_of(bundle, kind)), message.replace(placeholder, fact_of(bundle, kind))
    profile = tmp_path / ("p" + Path(name).suffix)
    profile.write_text(text, encoding="utf-8")
    code, out, err = check(capsys, "--profile", str(profile), "--policies", str(policies))
    assert code == 1, out
    assert "\x1b" not in err
    assert message in err, err


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_check_cli_reads_only_regular_files(special, policies: Path, tmp_path: Path):
    import os

    path = special
    if special == "fifo":
        path = str(tmp_path / "profiel.yaml")
        os.mkfifo(path)
    elif special == "folder":
        path = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "generator", "check", "--profile", path, "--policies",
                           str(policies)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    kind = {"/dev/zero": "a device", "fifo": "a FIFO", "folder": "a folder"}[special]
    assert f"cannot read profile: it is {kind}, not a regular file" in proc.stderr, proc.stderr


def test_check_json_output_is_valid_json(policies: Path, tmp_path: Path, capsys):
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"facts": {}}), encoding="utf-8")
    code, out, _ = check(capsys, "--profile", str(profile), "--policies", str(policies), "--format", "json")
    assert code == 0
    json.loads(out, parse_constant=lambda c: pytest.fail(c))
