"""Engine v3 on a fixture policy that uses each v3 construct once
(tests/fixtures/v3/acme/v3-2026.yaml): yearly and absent facts, derived facts and
contradictions, caps across tiers, exhaustive tier sets, guidelines, incomplete lists,
consequence levels, per-care-type conditions, peilmomenten, contract terms per year,
selective procurement and notes that reach the verdict only when they bear on it.

Expected answers follow from the fixture's YAML as written (the real policies have their
boundary tables in tests/boundaries/)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.bundle import engine_bundle
from generator.engine import ProfileError, evaluate
from generator.validate import load_catalog

from .tree import make_tree

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "v3"
POLICY = "acme/v3-2026"
BASE = {"t_ok": True, "t_website": True}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    policies = make_tree(tmp_path_factory.mktemp("v3"))
    shutil.copytree(FIXTURE, policies, dirs_exist_ok=True)
    cat, problems = load_catalog(policies)
    assert cat is not None, [str(p) for p in problems if p.severity == "error"]
    return engine_bundle(cat)


def answer(bundle, facts, year=2026, care_type="fysiotherapie"):
    return evaluate(bundle, {"facts": {**BASE, **facts}}, ["acme"], [care_type], year)


def policy(ans):
    return next(p for i in ans["insurers"] for p in i["policies"] if p["policy"] == POLICY)


def contract(ans, cid):
    return next(c for c in policy(ans)["contracts"] if c["contract"] == cid)


def tier_of(ans, cid="hoofd"):
    c = contract(ans, cid)
    return c["verdict"], c["best_tier"]


# ------------------------------------------------------------------ yearly facts, caps, exhaustive

@pytest.mark.parametrize("index, expected", [
    (90, ("eligible", "a")), (90.01, ("eligible", "b")), (110, ("eligible", "b")),
    (110.01, ("eligible", "c")), (150, ("eligible", "c")), (150.01, ("not-eligible", None)),
])
def test_tiers_by_the_index_over_2024_at_and_around_each_boundary(bundle, index, expected):
    assert tier_of(answer(bundle, {"t_index": {"2024": index}})) == expected


def test_the_index_of_another_year_does_not_count(bundle):
    ans = answer(bundle, {"t_index": {"2025": 50}})
    # the 2024 index is unknown: it might lie above 150 (no contract at all)
    assert tier_of(ans) == ("unknown", None)
    assert contract(ans, "hoofd")["possible_tiers"] == ["a", "b", "c"]


def test_exhaustive_tiers_give_a_contract_once_no_exclusion_can_apply(bundle):
    ans = answer(bundle, {"t_patients": {"2024": 500}})
    c = contract(ans, "hoofd")
    assert c["verdict"] == "unknown" and [n["id"] for n in c["needed"]] == ["boven-150-geen-overeenkomst"]
    # a practice that can rule out the exclusion but not its tier still gets a contract
    facts = {"t_index": {"2024": 120}}
    assert tier_of(answer(bundle, facts)) == ("eligible", "c")


def test_contract_year_2027_reads_the_index_over_2025(bundle):
    ans = answer(bundle, {"t_index": {"2024": 100, "2025": 80}}, year=2027)
    assert tier_of(ans) == ("eligible", "a")
    ans = answer(bundle, {"t_index": {"2024": 80, "2025": 100}}, year=2027)
    assert tier_of(ans) == ("eligible", "b")


def test_no_index_caps_every_better_tier(bundle):
    ans = answer(bundle, {"t_index": {"2024": "absent"}})
    assert tier_of(ans) == ("eligible", "c")
    c = contract(ans, "hoofd")
    assert [t["verdict"] for t in c["tiers"]] == ["not-eligible", "not-eligible", "eligible"]
    assert c["tiers"][0]["caps"][0]["id"] == "geen-index-hoogstens-c"


def test_absence_follows_from_the_patient_count(bundle):
    ans = answer(bundle, {"t_patients": {"2024": 30}})
    assert tier_of(ans) == ("eligible", "c")
    assert answer(bundle, {"t_patients": {"2024": 31}})["warnings"] == []
    assert tier_of(answer(bundle, {"t_patients": {"2024": 31}})) == ("unknown", None)


def test_a_value_where_none_can_exist_is_a_warning_naming_both_facts(bundle):
    ans = answer(bundle, {"t_patients": {"2024": 12}, "t_index": {"2024": 80}})
    (warning,) = ans["warnings"]
    assert warning["facts"] == ["t_index", "t_patients"] and warning["year"] == 2024
    (warning,) = answer(bundle, {"t_index": {"2024": "absent"}, "t_position": {"2024": 40}})["warnings"]
    assert warning["facts"] == ["t_position", "t_index"]


def test_above_150_there_is_no_contract_at_all(bundle):
    c = contract(answer(bundle, {"t_index": {"2024": 151}}), "hoofd")
    assert c["verdict"] == "not-eligible"
    assert all(t["verdict"] == "not-eligible" for t in c["tiers"])


def test_unmet_minimum_requirement_excludes_the_exhaustive_contract(bundle):
    ans = answer(bundle, {"t_ok": False, "t_index": {"2024": 50}})
    assert tier_of(ans) == ("not-eligible", None)


# ------------------------------------------------------------------ notes that bear on the verdict

def test_a_boundary_note_flags_the_verdict_only_at_the_boundary(bundle):
    at = contract(answer(bundle, {"t_index": {"2024": 110}}), "hoofd")
    assert "grens-110" in [f["id"] for f in at["flags"]]
    below = contract(answer(bundle, {"t_index": {"2024": 100}}), "hoofd")
    assert "grens-110" not in [f["id"] for f in below["flags"]]


def test_a_conflict_between_sources_flags_the_verdict(bundle):
    c = contract(answer(bundle, {"t_keurmerk": {"since": "2025-06-01"}}), "keurmerk")
    (flag,) = [f for f in c["flags"] if f["kind"] == "conflict"]
    assert flag["id"] == "twee-bronnen"
    assert c["notes"][0]["sources"] == ["acme-fysiotherapie-2026", "vgz-paramedische-zorg-2024"]


# ------------------------------------------------------------------ consequence levels

def test_a_care_level_condition_never_excludes_the_contract(bundle):
    ans = answer(bundle, {"t_website": False, "t_index": {"2024": 50}})
    c = contract(ans, "hoofd")
    assert c["verdict"] == "eligible"
    (limitation,) = c["limitations"]
    assert limitation["id"] == "website" and limitation["status"] == "not-met"
    assert "niet vergoed" in limitation["consequence_text"]
    assert [e["id"] for e in c["expectations"]] == ["duurzaam"]


# ------------------------------------------------------------------ guideline, incomplete, terms

def test_a_weighed_guideline_is_at_best_unknown_but_shows_whether_it_is_met(bundle):
    c = contract(answer(bundle, {"t_deelnemers": 400}), "zorgplan")
    assert c["verdict"] == "unknown"
    node = c["criterion"]["children"][0]
    assert node["status"] == "unknown" and node["guideline"] == "met"
    assert any(f["kind"] == "guideline" for f in c["flags"])
    below = contract(answer(bundle, {"t_deelnemers": 100}), "zorgplan")
    assert below["verdict"] == "unknown" and below["criterion"]["children"][0]["guideline"] == "not-met"
    assert contract(answer(bundle, {"t_deelnemers": 400, "t_ok": False}), "zorgplan")["verdict"] == "not-eligible"


def test_a_cut_off_condition_list_is_never_eligible(bundle):
    c = contract(answer(bundle, {}), "afgebroken")
    assert c["verdict"] == "unknown" and any(f["kind"] == "incomplete" for f in c["flags"])
    assert contract(answer(bundle, {"t_ok": False}), "afgebroken")["verdict"] == "not-eligible"


def test_a_contract_is_offered_only_in_the_years_of_its_own_term(bundle):
    ids_2026 = [c["contract"] for c in policy(answer(bundle, {}))["contracts"]]
    ids_2027 = [c["contract"] for c in policy(answer(bundle, {}, year=2027))["contracts"]]
    assert "later" not in ids_2026 and "later" in ids_2027
    later = contract(answer(bundle, {}, year=2027), "later")
    assert later["verdict"] == "eligible"


# ------------------------------------------------------------------ peilmomenten, care types, derived

@pytest.mark.parametrize("held, year, verdict", [
    ({"since": "2026-01-01"}, 2026, "eligible"),
    ({"since": "2026-01-02"}, 2026, "not-eligible"),
    ({"since": "2026-01-02"}, 2027, "eligible"),
    ({"since": "2024-05-01", "until": "2026-12-31"}, 2027, "not-eligible"),
    ({"since": "2024-05-01", "until": "2027-01-01"}, 2027, "eligible"),
    ("absent", 2026, "not-eligible"),
])
def test_registration_held_on_the_peilmoment_of_each_contract_year(bundle, held, year, verdict):
    assert contract(answer(bundle, {"t_keurmerk": held}, year=year), "keurmerk")["verdict"] == verdict


def test_conditions_per_care_type_inside_one_contract(bundle):
    facts = {"t_netwerk_fysio": True, "t_netwerk_oefen": False}
    assert contract(answer(bundle, facts, care_type="fysiotherapie"), "netwerk")["verdict"] == "eligible"
    assert contract(answer(bundle, facts, care_type="oefentherapie"), "netwerk")["verdict"] == "not-eligible"
    both = evaluate(bundle, {"facts": {**BASE, **facts}}, ["acme"], None, 2026)
    assert contract(both, "netwerk")["verdict"] == "unknown"  # whose care type is it?


def test_a_derived_share_is_computed_and_never_asked(bundle):
    assert contract(answer(bundle, {"t_therapists": 4, "t_specialised": 2}), "specialisatie")["verdict"] == "eligible"
    assert contract(answer(bundle, {"t_therapists": 4, "t_specialised": 1}), "specialisatie")["verdict"] == \
        "not-eligible"
    (warning,) = answer(bundle, {"t_therapists": 2, "t_specialised": 3})["warnings"]
    assert warning["facts"] == ["t_specialised", "t_therapists"]


# ------------------------------------------------------------------ selective procurement

def test_selective_procurement_is_evaluated_with_the_contract_it_is_bought_through(bundle):
    rule = policy(answer(bundle, {"t_netwerk_fysio": True, "t_index": {"2024": 50}}))["selective"][0]
    assert rule["rule"] == "parkinson" and rule["verdict"] == "may-provide"
    assert rule["via"] == {"contract": "hoofd", "name": "Hoofdovereenkomst", "verdict": "eligible"}
    rule = policy(answer(bundle, {"t_netwerk_fysio": False}))["selective"][0]
    assert rule["verdict"] == "may-not-provide" and rule["needed"][0]["fact"] == "t_netwerk_fysio"
    rule = policy(answer(bundle, {"t_netwerk_fysio": True, "t_index": {"2024": 151}}))["selective"][0]
    assert rule["verdict"] == "may-not-provide"
    assert policy(answer(bundle, {}, care_type="oefentherapie"))["selective"] == []


# ------------------------------------------------------------------ profiles

@pytest.mark.parametrize("facts, message", [
    ({"t_index": 95}, "fact 't_index': is measured per year; expects {year: value}, got 95"),
    ({"t_index": {"95": 1}}, "fact 't_index': '95' is not a year (2000-2100)"),
    ({"t_index": {"2024": True}}, "fact 't_index' (2024): expects a number (number), got True"),
    ({"t_ok": "absent"}, "fact 't_ok': cannot be 'absent' (this fact always exists) (boolean), got 'absent'"),
    ({"t_keurmerk": {"since": "gisteren"}}, "fact 't_keurmerk': 'since' expects a date as YYYY-MM-DD (held), "
                                            "got {'since': 'gisteren'}"),
])
def test_profile_values_of_the_wrong_form_name_the_fact(bundle, facts, message):
    with pytest.raises(ProfileError) as exc:
        answer(bundle, facts)
    assert exc.value.problems == [message]


# ------------------------------------------------------------------ the next question (issue 13)

def test_next_questions_come_from_the_open_verdicts_and_prerequisites_first(bundle):
    from generator.engine.questions import rank_questions

    ans = evaluate(bundle, {"facts": {}}, ["acme"], ["fysiotherapie"], 2026)
    keys = [q["key"] for q in rank_questions(bundle, ans)]
    assert keys[0] in ("t_ok", "t_patients@2024")  # settles most verdicts / decides whether an index exists
    assert keys.index("t_patients@2024") < keys.index("t_index@2024")  # may make the index not exist
    assert "t_specialised_share" not in keys and "t_therapists" in keys  # derived: its parts are asked
    assert "t_website" in keys  # a care-level limitation is still worth knowing


def test_answered_and_skipped_questions(bundle):
    from generator.engine.questions import rank_questions

    ans = answer(bundle, {"t_index": {"2024": 50}, "t_deelnemers": 300})
    ranked = rank_questions(bundle, ans, skipped=["t_netwerk_fysio"], answered={"t_deelnemers"})
    keys = [q["key"] for q in ranked]
    assert "t_index@2024" not in keys  # answered
    assert "t_deelnemers" not in keys  # answered; the guideline stays unknown because it is weighed
    assert keys[-1] == "t_netwerk_fysio" and ranked[-1]["skipped"]


# ------------------------------------------------------------------ notes reach what rests on them

def _mini(policy_extra: dict, fact_value) -> dict:
    from generator.engine.evaluate import PolicyEvaluator
    from generator.engine.facts import FactView

    reg = {"m": {"id": "m", "type": "boolean", "label": "M"}}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {"s": {"title": "S"}}, "care_types": {}}
    policy = {"sources": ["s"], "source_notes": [{"id": "n", "kind": "ambiguity", "text": "x", "kept": "y",
                                                  "cite": {"section": "1"}, **policy_extra.pop("note", {})}],
              **policy_extra}
    return PolicyEvaluator(bundle, policy, FactView({"m": fact_value}, reg), 2024, None).contract("c")


def test_a_note_on_a_met_part_of_an_open_list_reaches_the_open_verdict():
    contract = {"id": "c", "name": "C", "kind": "contract", "care_types": ["x"], "cite": {"section": "1"},
                "tiers": [{"id": "t", "name": "T", "cite": {"section": "1"},
                           "criterion": {"kind": "all", "incomplete": True,
                                         "of": [{"kind": "is", "fact": "m", "note": "n"}]}}]}
    for value, verdict in ((True, "unknown"), (False, "not-eligible")):
        tier = _mini({"contracts": [dict(contract)]}, value)["tiers"][0]
        assert (tier["verdict"], [n["id"] for n in tier["notes"]]) == (verdict, ["n"])


def test_a_note_about_a_requirement_reaches_the_contract_it_decides():
    extra = {"requirements": [{"id": "r", "title": "R", "applies_to": ["c"], "theme": "other",
                               "cite": {"section": "1"}, "criterion": {"kind": "is", "fact": "m"}}],
             "contracts": [{"id": "c", "name": "C", "kind": "contract", "care_types": ["x"], "cite": {"section": "1"}}],
             "note": {"refs": ["r"]}}
    for value in (True, False):
        c = _mini(dict(extra, note={"refs": ["r"]}), value)
        assert [f.get("id") for f in c["flags"]] == ["n"]


def test_a_node_carries_its_own_note_and_every_note_naming_it():
    contract = {"id": "c", "name": "C", "kind": "contract", "care_types": ["x"], "cite": {"section": "1"},
                "criterion": {"kind": "is", "fact": "m", "id": "k", "note": "n"}}
    extra = {"contracts": [contract]}
    from generator.engine.evaluate import PolicyEvaluator
    from generator.engine.facts import FactView

    reg = {"m": {"id": "m", "type": "boolean", "label": "M"}}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {"s": {"title": "S"}}, "care_types": {}}
    notes = [{"id": n, "kind": "ambiguity", "text": n, "kept": "y", "cite": {"section": "1"}, "refs": refs}
             for n, refs in (("n", []), ("o", ["k"]))]
    c = PolicyEvaluator(bundle, {"sources": ["s"], "source_notes": notes, **extra},
                        FactView({"m": True}, reg), 2024, None).contract("c")
    assert [n["id"] for n in c["criterion"]["notes"]] == ["n", "o"]
    assert [f["id"] for f in c["flags"]] == ["n", "o"]


def test_absence_can_follow_from_the_year_before():
    from generator.engine.evaluate import PolicyEvaluator
    from generator.engine.facts import FactView

    reg = {"omzet": {"id": "omzet", "type": "money", "label": "Omzet", "yearly": True},
           "benchmark": {"id": "benchmark", "type": "number", "label": "Benchmark", "yearly": True,
                         "absent": "Geen benchmark",
                         "absent_when": {"kind": "compare", "fact": "omzet", "year_offset": -1, "op": "le",
                                         "value": 250000}}}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {}, "care_types": {}}
    for revenue, expected in ((250000, "absent"), (250001, None)):
        view = FactView({"omzet": {"2023": revenue}}, reg)
        view.status_of = PolicyEvaluator(bundle, {"sources": [""]}, view, 2024, None).status_of
        assert view.get("benchmark", 2024) == expected


def test_a_contract_continued_from_an_earlier_policy_can_be_named_in_a_condition():
    reg = {"m": {"id": "m", "type": "boolean", "label": "M"}}
    earlier = {"id": "a/x-2023", "insurer": "a", "title": "X 2023", "family": "x", "care_types": ["ct"],
               "contract_years": [2023], "period": {"start": 2023, "end": 2023}, "completeness": "full",
               "sources": ["s"], "contracts": [{"id": "plus-2023", "name": "Plus", "kind": "contract",
                                                "care_types": ["ct"], "term": {"start": 2023, "end": 2024},
                                                "cite": {"section": "1"}, "criterion": {"kind": "is", "fact": "m"}}]}
    later = {"id": "a/x-2024", "insurer": "a", "title": "X 2024", "family": "x", "care_types": ["ct"],
             "contract_years": [2024], "period": {"start": 2024, "end": 2024}, "completeness": "full",
             "sources": ["s"], "continues": [{"policy": "a/x-2023", "contracts": ["plus-2023"]}],
             "contracts": [{"id": "budget", "name": "Budget", "kind": "arrangement", "care_types": ["ct"],
                            "cite": {"section": "1"}, "criterion": {"kind": "contract", "contracts": ["plus-2023"]}}]}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {"s": {"title": "S"}},
              "care_types": {"ct": {"name": "CT"}}, "insurers": {"a": {"name": "A"}}, "policies": [earlier, later]}
    for m, verdict in ((True, "eligible"), (False, "not-eligible")):
        ans = evaluate(bundle, {"facts": {"m": m}}, ["a"], ["ct"], 2024)
        contracts = {c["contract"]: c for c in ans["insurers"][0]["policies"][0]["contracts"]}
        assert contracts["budget"]["verdict"] == verdict
        assert contracts["plus-2023"]["continued_from"] == "a/x-2023"


def test_an_open_contract_is_settled_when_every_value_of_its_unknown_fact_gives_the_same_verdict():
    from generator.engine.evaluate import PolicyEvaluator
    from generator.engine.facts import FactView

    reg = {"x": {"id": "x", "type": "number", "label": "X", "absent": "Geen X"}}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {"s": {"title": "S"}}, "care_types": {}}

    def contract(tiers):
        policy = {"sources": ["s"], "contracts": [{"id": "c", "name": "C", "kind": "contract", "care_types": ["x"],
                                                   "cite": {"section": "1"}, "tiers": tiers}]}
        return PolicyEvaluator(bundle, policy, FactView({}, reg), 2024, None).contract("c")

    a = {"id": "a", "name": "A", "cite": {"section": "1"}, "criterion": {"kind": "range", "fact": "x", "min": 40, "max": 110}}
    b = {"id": "b", "name": "B", "cite": {"section": "1"}, "criterion": {"kind": "any", "of": [
        {"kind": "compare", "fact": "x", "op": "lt", "value": 40},
        {"kind": "compare", "fact": "x", "op": "gt", "value": 110},
        {"kind": "absent", "fact": "x"}]}}
    c = contract([a, b])
    assert (c["verdict"], c["best_tier"], c["possible_tiers"]) == ("eligible", None, ["a", "b"])
    assert any(f["kind"] == "settled" for f in c["flags"])
    # a gap at exactly 110.5 (B starts above 111): the verdict stays open
    b_gap = {**b, "criterion": {"kind": "any", "of": [{"kind": "compare", "fact": "x", "op": "lt", "value": 40},
                                                      {"kind": "compare", "fact": "x", "op": "ge", "value": 111},
                                                      {"kind": "absent", "fact": "x"}]}}
    assert contract([a, b_gap])["verdict"] == "unknown"


def test_a_conditional_verdict_names_the_one_or_two_facts_still_open(bundle):
    # index over 2024 not given, everything else known: tier A is one answer away
    c = contract(answer(bundle, {"t_patients": {"2024": 200}}), "hoofd")
    assert c["verdict"] == "unknown"
    assert c["conditional"]["tier"] == "a"
    # all about the one open fact: the index's band and the two caps on it
    assert {leaf.get("fact") or leaf.get("id") for leaf in c["conditional"]["if"]} == \
        {"t_index", "geen-index-hoogstens-c", "boven-150-geen-overeenkomst"}
    # a contract that is already decided has no conditional verdict
    assert contract(answer(bundle, {"t_index": {"2024": 50}}), "hoofd")["conditional"] is None
    # a weighed guideline is never one answer away
    assert contract(answer(bundle, {"t_deelnemers": 300}), "zorgplan")["conditional"] is None


def test_selective_care_bought_through_a_contract_continued_from_an_earlier_policy():
    reg = {"m": {"id": "m", "type": "boolean", "label": "M"}, "n": {"id": "n", "type": "boolean", "label": "N"}}
    earlier = {"id": "a/x-2023", "insurer": "a", "title": "X 2023", "family": "x", "care_types": ["ct"],
               "contract_years": [2023], "period": {"start": 2023, "end": 2023}, "completeness": "full",
               "sources": ["s"], "contracts": [{"id": "plus-2023", "name": "Plus", "kind": "contract",
                                                "care_types": ["ct"], "term": {"start": 2023, "end": 2024},
                                                "cite": {"section": "1"}, "criterion": {"kind": "is", "fact": "m"}}]}
    later = {"id": "a/x-2024", "insurer": "a", "title": "X 2024", "family": "x", "care_types": ["ct"],
             "contract_years": [2024], "period": {"start": 2024, "end": 2024}, "completeness": "full",
             "sources": ["s"], "continues": [{"policy": "a/x-2023", "contracts": ["plus-2023"]}],
             "selective_procurement": [{"id": "r", "condition": "R", "care_types": ["ct"], "via": ["plus-2023"],
                                        "requirement": {"kind": "is", "fact": "n"}, "cite": {"section": "1"}}]}
    bundle = {"facts": reg, "registers": {}, "regions": {}, "sources": {"s": {"title": "S"}},
              "care_types": {"ct": {"name": "CT"}}, "insurers": {"a": {"name": "A"}}, "policies": [earlier, later]}
    for m, verdict in ((True, "may-provide"), (False, "may-not-provide")):
        ans = evaluate(bundle, {"facts": {"m": m, "n": True}}, ["a"], ["ct"], 2024)
        (rule,) = ans["insurers"][0]["policies"][0]["selective"]
        assert rule["verdict"] == verdict and rule["via"]["contract"] == "plus-2023"


@pytest.mark.parametrize("day, months, days, expected", [
    ("2026-03-31", -1, 0, "2026-02-28"), ("2024-03-31", -1, 0, "2024-02-29"), ("2026-01-15", -1, 0, "2025-12-15"),
    ("2026-01-01", 0, -14, "2025-12-18"), ("2026-11-30", 2, 1, "2027-01-31"),
])
def test_relative_moments_from_the_practice_own_date(day, months, days, expected):
    from generator.engine.dates import relative_date

    when = {"kind": "relative", "anchor": "start-date", "anchor_label": "x", "offset": {"months": months, "days": days}}
    assert relative_date(when, day).isoformat() == expected


def test_a_held_registration_on_an_impossible_date_is_refused(bundle):
    with pytest.raises(ProfileError) as exc:
        answer(bundle, {"t_keurmerk": {"since": "2024-02-30"}})
    assert exc.value.problems == ["fact 't_keurmerk': 'since' expects an existing date (YYYY-MM-DD) (held), "
                                  "got {'since': '2024-02-30'}"]


def test_a_session_round_gives_verdicts_next_questions_and_an_action_plan(bundle):
    from generator.engine.session import personal_calendar, respond

    request = {"profile": {"facts": {**BASE, "t_index": {"2024": 50}}}, "insurers": ["acme"],
               "care_types": ["fysiotherapie"], "year": 2026, "today": "2026-02-01",
               "anchors": {"start-date": "2026-06-01"}, "site_url": "https://example.org/"}
    out = respond(bundle, request)
    assert out["answer"]["engine_version"] == 3
    assert "t_index@2024" not in [q["key"] for q in out["questions"]]
    plan = {(p["policy"], p["contract"]): p for p in out["plan"]}
    hoofd = plan[("acme/v3-2026", "hoofd")]
    assert hoofd["reach"] == "eligible" and hoofd["tier"] == "Tariefgroep A"
    keurmerk = [p for p in out["plan"] if p["contract"] == "keurmerk"]
    assert not keurmerk or keurmerk[0]["reach"] == "conditional"
    # deadlines of the contract year, upcoming first, past ones last and marked
    ids = [d["id"] for d in hoofd["deadlines"]]
    assert ids.index("kwartaalrapportage") < ids.index("csrd")
    assert [d for d in hoofd["deadlines"] if d["id"] == "csrd"][0]["past"]
    text = personal_calendar(bundle, {"selected": [{"policy": "acme/v3-2026", "contract": "keurmerk"}],
                                      "year": 2026, "anchors": {"start-date": "2026-06-01"},
                                      "site_url": "https://example.org/"})
    assert "UID:acme/v3-2026/aanvragen-voor-start@inkoopwijzer" in text
    assert "DTSTART;VALUE=DATE:20260501" in text  # one month before the chosen start date
