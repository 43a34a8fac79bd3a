"""The checker's data in scopes (generator/engine/scopes.py): the browser loads one care type
in one contract year, and the engine answers exactly as on the whole bundle."""
from __future__ import annotations

import json

import pytest

from generator.bundle import engine_bundle
from generator.engine import scopes
from generator.engine.session import personal_calendar, respond
from generator.render.checker import MENU_DIR, SCOPE_DIR

from .test_engine import parity_cases


@pytest.fixture(scope="module")
def compact(catalog):
    return engine_bundle(catalog, compact=True)


@pytest.fixture(scope="module")
def split(compact):
    return scopes.split(compact)


def site_bundle(site) -> dict:
    """The whole bundle the checker of a built site works from: its index with every scope's
    policies (what the worker has after loading every scope)."""
    index = json.loads((site / "checker" / "bundle.json").read_text(encoding="utf-8"))
    return scopes.view(index, [json.loads((site / SCOPE_DIR / f"{key}.json").read_text(encoding="utf-8"))
                               for key in index["scopes"]])


def loaded(parts, keys):
    return [parts[key] for key in keys]


def test_the_index_has_nothing_of_a_policy_and_names_every_scope(compact, split):
    index, parts = split
    assert not set(index) & {"policies", "insurers", "sources"}
    expected = {f"{ct}-{y}" for p in compact["policies"] for ct in p["care_types"] for y in p["contract_years"]}
    assert index["scopes"] == sorted(expected) == sorted(parts)
    assert {k: v for k, v in index.items() if k != "scopes"} == \
        {k: v for k, v in compact.items() if k not in ("policies", "insurers", "sources")}


def test_the_index_does_not_grow_with_the_market(compact, split):
    """Twice the insurers (each policy again under a new insurer, with its own sources): the
    same index; every scope's file names only its own policies' insurers and sources."""
    index, _ = split
    bigger = json.loads(json.dumps(compact))
    for p in compact["policies"]:
        twin = dict(json.loads(json.dumps(p)), id="twin-" + p["id"], insurer="twin-" + p["insurer"],
                    sources=["twin-" + s for s in p["sources"]])
        twin["continues"] = [dict(c, policy="twin-" + c["policy"]) for c in twin.get("continues", [])]
        bigger["policies"].append(twin)
    bigger["policies"].sort(key=lambda p: p["id"])
    bigger["insurers"].update({"twin-" + k: v for k, v in compact["insurers"].items()})
    bigger["sources"].update({"twin-" + k: v for k, v in compact["sources"].items()})
    big_index, big_parts = scopes.split(bigger)
    assert big_index == index
    for key, part in big_parts.items():
        assert set(part["insurers"]) == {p["insurer"] for p in part["policies"]}
        named = {s for p in part["policies"] for s in p["sources"]} | \
            {s for p in part["policies"] for n in p.get("source_notes", []) for s in n.get("sources", [])}
        assert set(part["sources"]) == named & set(bigger["sources"])
        twins = [p for p in part["policies"] if p["id"].startswith("twin-")]
        assert len(twins) * 2 == len(part["policies"]), key


def test_a_scope_holds_its_policies_and_the_ones_they_continue_contracts_from(compact, split):
    _, parts = split
    by_id = {p["id"]: p for p in compact["policies"]}
    continued = 0
    for key, part in parts.items():
        ids = {p["id"] for p in part["policies"]}
        own = {p["id"] for p in compact["policies"]
               if any(f"{ct}-{y}" == key for ct in p["care_types"] for y in p["contract_years"])}
        assert own <= ids
        for extra in ids - own:  # only what an own policy continues a contract from
            assert any(c["policy"] == extra for pid in ids for c in by_id[pid].get("continues", []))
            continued += 1
        for pid in ids:
            for cont in by_id[pid].get("continues", []):
                assert cont["policy"] in ids, (key, pid, cont["policy"])
    assert continued >= 1  # the real data continues contracts (CZ 2025 from 2024, VGZ wijkverpleging)


def test_the_engine_answers_within_a_scope_exactly_as_on_the_whole_bundle(compact, split):
    index, parts = split
    checked = 0
    for case in parity_cases(compact):
        keys = scopes.needed(index, case)
        if not case.get("care_types") or case.get("year") is None:
            assert keys == index["scopes"]  # unscoped: every scope
        request = dict(case, today="2026-11-30", site_url="https://example.org/")
        try:
            whole = respond(compact, request)
        except Exception as exc:  # a refused profile is refused the same way
            with pytest.raises(type(exc)):
                respond(scopes.view(index, loaded(parts, keys)), request)
            continue
        assert respond(scopes.view(index, loaded(parts, keys)), request) == whole, case
        checked += 1
    assert checked > 800


def test_an_answer_from_kept_policy_parts_is_the_answer_computed_afresh(compact):
    """``respond(..., cached)`` lets a caller keep each policy's part of an answer (the site
    generator does, for the first answers, in a ``serve`` session): reused parts give the same
    answer, and nothing after the engine changes a part it was handed."""
    kept: dict[tuple, tuple] = {}
    computed = []

    def cached(policy, compute):
        key = (json.dumps(case, sort_keys=True), policy["id"])
        if key not in kept:
            kept[key] = compute()
            computed.append(key)
        return kept[key]

    checked = 0
    for case in parity_cases(compact)[::4]:
        request = dict(case, today="2026-11-30", site_url="https://example.org/")
        try:
            fresh = json.dumps(respond(compact, request), sort_keys=True)
        except Exception:
            continue
        first = json.dumps(respond(compact, request, cached), sort_keys=True)
        made = len(computed)
        again = json.dumps(respond(compact, request, cached), sort_keys=True)
        assert len(computed) == made  # the second answer was made of kept parts only
        assert fresh == first == again, case
        checked += 1
    assert checked > 200 and computed


def test_every_scope_of_the_real_data_answers_an_empty_profile_as_the_whole_bundle(compact, split):
    index, parts = split
    for key in index["scopes"]:
        ct, year = key.rsplit("-", 1)
        insurers = sorted({p["insurer"] for p in parts[key]["policies"]
                           if ct in p["care_types"] and int(year) in p["contract_years"]})
        request = {"profile": {"facts": {}}, "insurers": insurers, "care_types": [ct], "year": int(year),
                   "today": "2026-11-30"}
        assert scopes.needed(index, request) == [key]
        view = scopes.view(index, loaded(parts, [key]))
        answer = respond(view, request)
        assert answer == respond(compact, request), key
        selected = [{"policy": pol["policy"], "contract": c["contract"]}
                    for ins in answer["answer"]["insurers"] for pol in ins["policies"] for c in pol["contracts"]]
        cal = {"selected": selected, "year": int(year), "site_url": "https://example.org/"}
        assert personal_calendar(view, cal) == personal_calendar(compact, cal), key


def test_the_site_publishes_the_index_and_one_file_per_scope(real_site):
    _, site = real_site
    index = json.loads((site / "checker" / "bundle.json").read_text(encoding="utf-8"))
    files = sorted(p.stem for p in (site / SCOPE_DIR).glob("*.json"))
    assert files == index["scopes"]
    for key in files:
        part = json.loads((site / SCOPE_DIR / f"{key}.json").read_text(encoding="utf-8"))
        assert part["scope"] == key and part["policies"]
    assert sorted(p.stem for p in (site / MENU_DIR).glob("*.json")) == index["scopes"]


def test_the_sites_scopes_together_are_the_catalogs_bundle(real_site):
    from generator.validate import load_catalog

    _, site = real_site
    cat, _ = load_catalog(site.parent / "policies", "policies")  # the project the site was built from
    compact = engine_bundle(cat, compact=True)
    rebuilt = site_bundle(site)
    assert [p["id"] for p in rebuilt["policies"]] == [p["id"] for p in compact["policies"]]
    assert rebuilt["policies"] == json.loads(json.dumps(compact["policies"]))


def _checker_files(catalog):
    from generator.render.checker import checker_files, pyodide_dir
    from tests.conftest import REPO

    return checker_files(catalog, pyodide_dir(REPO), "https://example.test/")


def test_each_start_file_is_the_engines_first_answer_on_what_the_browser_loads(catalog):
    """checker/start/<scope>.json is shown before Python starts in the browser: it must be
    what the engine answers there, on the index and the scope's file, and on the whole bundle."""
    files = _checker_files(catalog)
    index = json.loads(files["checker/bundle.json"])
    whole = dict(engine_bundle(catalog, compact=True), site_url="https://example.test/")
    starts = sorted(p for p in files if p.startswith("checker/start/"))
    menus = sorted(p for p in files if p.startswith(f"{MENU_DIR}/"))
    assert [p.removeprefix(f"{MENU_DIR}/") for p in menus] == [p.removeprefix("checker/start/") for p in starts]
    assert [p.removeprefix("checker/start/").removesuffix(".json") for p in starts] == index["scopes"]
    for path in starts:
        key = path.removeprefix("checker/start/").removesuffix(".json")
        ct, year = key.rsplit("-", 1)
        # the insurers the page picks by default: its menu's
        menu = json.loads(files[f"{MENU_DIR}/{key}.json"])
        request = {"profile": {"facts": {}}, "care_types": [ct], "year": int(year),
                   "insurers": [i["id"] for i in menu["insurers"]]}
        part = json.loads(files[f"{SCOPE_DIR}/{key}.json"])
        answer = json.loads(files[path])
        assert answer == respond(scopes.view(index, [part]), request), key
        assert answer == respond(whole, request), key


def test_a_second_generation_computes_again_only_the_scopes_an_edit_changed(tmp_path):
    """In a serve session the first answers are kept by a digest of their input: an edited
    policy's scopes get a new answer, equal to one computed from scratch; the other scopes'
    answers are the very ones kept from the last generation."""
    import shutil

    from generator import memo
    from generator.load import forget_parsed_files, remember_parsed_files
    from generator.validate import load_catalog
    from tests.conftest import REPO

    shutil.copytree(REPO / "policies", tmp_path / "policies")
    policy = tmp_path / "policies" / "vgz" / "wijkverpleging-2024.yaml"
    text = policy.read_text(encoding="utf-8")
    title = "Inkoopbeleid Wijkverpleging 2024 (bewerkt)"
    assert text.startswith("title: Inkoopbeleid Wijkverpleging 2024\n")
    remember_parsed_files()
    memo.remember()
    try:
        memo.begin_round()
        before, _ = load_catalog(tmp_path / "policies")
        first = _checker_files(before)
        memo.end_round()
        policy.write_text(text.replace("Wijkverpleging 2024\n", "Wijkverpleging 2024 (bewerkt)\n", 1), encoding="utf-8")
        memo.begin_round()
        after, problems = load_catalog(tmp_path / "policies")
        assert after is not None, problems
        second = _checker_files(after)
        memo.end_round()
    finally:
        memo.forget()
        forget_parsed_files()
    fresh = _checker_files(after)  # outside a session: computed from scratch
    starts = [p for p in first if p.startswith("checker/start/")]
    edited = {p for p in starts if title in second[p]}
    assert edited == {"checker/start/wijkverpleging-2024.json"}
    for path in starts:
        assert second[path] == fresh[path], path
        if path not in edited:
            assert second[path] is first[path], path  # kept, not computed again


def test_a_scopes_menu_names_its_insurers_and_each_policys_newest_year(catalog):
    """checker/menu/<scope>.json: the insurers the page offers (those with a policy for the
    care type in that contract year, by their short names) and, for the "nothing newer yet"
    notice, each policy's insurer, family and the newest contract year the site has of that
    insurer's family."""
    files = _checker_files(catalog)
    records = list(catalog.policies.values())
    for path in sorted(p for p in files if p.startswith(f"{MENU_DIR}/")):
        key = path.removeprefix(f"{MENU_DIR}/").removesuffix(".json")
        ct, year = key.rsplit("-", 1)
        own = [r for r in records if ct in r.policy.care_types and int(year) in r.policy.contract_years]
        menu = json.loads(files[path])
        assert menu["scope"] == key
        assert menu["insurers"] == [{"id": i, "short_name": catalog.insurers[i].short_name}
                                    for i in sorted({r.insurer_id for r in own})]
        assert set(menu["policies"]) == {r.key for r in own}
        for r in own:
            newest = max(y for o in records if o.insurer_id == r.insurer_id and o.policy.family == r.policy.family
                         for y in o.policy.contract_years)
            assert menu["policies"][r.key] == {"insurer": r.insurer_id, "family": r.policy.family, "last": newest}
    # the real data: VGZ's paramedical policy covers 2024 only, so the checker says nothing newer is in
    assert json.loads(files[f"{MENU_DIR}/fysiotherapie-2024.json"])["policies"]["vgz/paramedische-zorg-2024"]["last"] == 2024
