"""Rules per insurer, written from the source texts, with boundary values.

Each test states a practice the way the source describes it and checks the verdict the
source implies. Thresholds come from the sources (cited in the comments).
"""
from __future__ import annotations

import pytest

from generator.bundle import engine_bundle
from generator.engine import evaluate


@pytest.fixture(scope="module")
def bundle(catalog):
    return engine_bundle(catalog)


def answer_for(bundle, facts, insurer, year, care_type=None):
    return evaluate(bundle, {"facts": facts}, [insurer], [care_type] if care_type else None, year)


def find(answer, policy, contract):
    for ins in answer["insurers"]:
        for pol in ins["policies"]:
            if pol["policy"] == policy:
                for c in pol["contracts"]:
                    if c["contract"] == contract:
                        return c
    raise KeyError((policy, contract))


def tiers(c):
    return {t["tier"]: t["verdict"] for t in c["tiers"]}


# --------------------------------------------------------------------------- VGZ fysiotherapie 2024
# Source: vgz-paramedische-zorg-2024, Bijlage 2 "Onze minimumeisen voor zorgaanbieders > Fysiotherapie".
# VGZ classifies on the lower bound (ondergrens) of the behandelindex over 2022.

VGZ = "vgz/paramedische-zorg-2024"
VGZ_MINIMUM = {"integriteitstoets_zonder_bezwaar": True, "alle_therapeuten_big": True,
               "voldoet_kwaliteitseisen_beroepsvereniging": True, "alle_fysiotherapeuten_kwaliteitsregister": True,
               "verbijzonderingen_in_deelregister": True}
# a practice with no Good Practices, no zorgplan, no SKF registration: only the index decides
VGZ_PLAIN = {**VGZ_MINIMUM, "praktijk_skf_keurmerk": False, "praktijk_skf_aspirant": False,
             "aantal_good_practices_fysiotopics_zorg1": 0, "aantal_good_practices_geimplementeerd": 0,
             "good_practice_multidisciplinair_zorgpad": False, "lid_samenwerkingsverband": False,
             "erkend_zorgplan_geimplementeerd": False, "aantal_unieke_patienten": {2022: 200},
             "vgz_fysiotherapie_overeenkomst_2023": "geen"}


@pytest.mark.parametrize("index, best", [
    (39, "basis"),      # "lager dan 40": Basis situation 2
    (40, "generiek"),   # "40 tot en met 110": Generiek situation 4
    (110, "generiek"),  # in both Generiek (t/m 110) and Basis (tussen 110 en 149): best wins, noted
    (111, "basis"),     # "tussen 110 en 149"
    (149, "basis"),
    (150, None),        # above 149 no situation applies
])
def test_vgz_behandelindex_boundaries(bundle, index, best):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: index}}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == best
    assert c["verdict"] == ("eligible" if best else "not-eligible")


def test_vgz_110_is_flagged_as_ambiguous_with_the_source_note(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: 110}}, "vgz", 2024), VGZ, "fysiotherapie")
    generiek = next(t for t in c["tiers"] if t["tier"] == "generiek")
    basis = next(t for t in c["tiers"] if t["tier"] == "basis")
    assert "behandelindex-110-in-twee-tariefgroepen" in [n["id"] for n in generiek["notes"]]
    assert basis["verdict"] == "eligible"  # the source puts 110 in Basis too
    assert all(n["cite"]["url"].startswith("https://www.cooperatievgz.nl/") for n in generiek["notes"])


def test_vgz_thirty_or_fewer_patients_gives_basis_without_an_index(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "aantal_unieke_patienten": {2022: 30}}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == "basis"
    c = find(answer_for(bundle, {**VGZ_PLAIN, "aantal_unieke_patienten": {2022: 31}}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] is None and c["verdict"] == "unknown"  # index still unknown


def test_vgz_intensief_needs_keurmerk_and_good_practices(bundle):
    facts = {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: 100}, "aantal_good_practices_fysiotopics_zorg1": 3}
    c = find(answer_for(bundle, facts, "vgz", 2024), VGZ, "fysiotherapie")
    assert tiers(c)["intensief"] == "not-eligible"  # no Keurmerk
    c = find(answer_for(bundle, {**facts, "praktijk_skf_keurmerk": True}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == "intensief"
    needed = next(t for t in find(answer_for(bundle, facts, "vgz", 2024), VGZ, "fysiotherapie")["tiers"]
                  if t["tier"] == "intensief")["needed"]
    assert [leaf.get("fact") for leaf in needed] == ["praktijk_skf_keurmerk"]


def test_vgz_missing_minimum_requirement_is_not_eligible(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: 100}, "alle_therapeuten_big": False}, "vgz", 2024),
             VGZ, "fysiotherapie")
    assert c["verdict"] == "not-eligible"


def test_vgz_hand_splint_addendum_needs_a_signed_ergo_or_physio_contract(bundle):
    splint = {"handtherapeut_cht_nl": True, "samenwerking_handchirurg": True}
    answer = answer_for(bundle, {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: 100}, **splint}, "vgz", 2024)
    assert find(answer, VGZ, "addendum-hand-en-vingerspalken")["verdict"] == "eligible"
    answer = answer_for(bundle, {**VGZ_PLAIN, "behandelindex_ondergrens": {2022: 100}, "alle_therapeuten_big": False, **splint},
                        "vgz", 2024)
    # no physiotherapy contract; the ergotherapy contract is still unknown
    assert find(answer, VGZ, "addendum-hand-en-vingerspalken")["verdict"] == "unknown"


# --------------------------------------------------------------------------- helpers for big rule sets

def satisfy(node, out, negate=False):
    """Fill ``out`` with fact values that make ``node`` met (or not met when negated)."""
    kind = node["kind"]
    if kind == "not":
        return satisfy(node["of"], out, not negate)
    if kind in ("all", "any"):
        # met: every part of an all, and (to be safe) every branch of an any;
        # not met: one failing part suffices for an all, an any needs all branches to fail
        children = node["of"] if not (kind == "all" and negate) else node["of"][:1]
        for child in children:
            satisfy(child, out, negate)
        return out
    fact = node.get("fact")
    if fact is None or fact in out:
        return out
    if kind in ("is", "registered"):
        out[fact] = node.get("value", True) != negate
    elif kind == "compare" and node["value"] is not None:
        v, op = node["value"], node["op"]
        ok = {"le": v, "lt": v - 1, "ge": v, "gt": v + 1, "eq": v, "ne": v + 1}[op]
        bad = {"le": v + 1, "lt": v, "ge": v - 1, "gt": v, "eq": v + 1, "ne": v}[op]
        out[fact] = bad if negate else ok
    elif kind == "range":
        out[fact] = node["min"] if node.get("min") is not None else node["max"]
    elif kind == "in":
        out[fact] = node["values"][0]
    return out


def requirements_met(bundle, policy_id, contract_id):
    policy = next(p for p in bundle["policies"] if p["id"] == policy_id)
    facts = {}
    for req in policy["requirements"]:
        if "all" in req["applies_to"] or contract_id in req["applies_to"]:
            satisfy(req["criterion"], facts)
    return facts


# --------------------------------------------------------------------------- VGZ wijkverpleging 2024
# Source: vgz-wijkverpleging-2024, "Procedure zorginkoop" and Bijlage 2 (the full boundary table is
# tests/boundaries/vgz/wijkverpleging-2024.yaml).

WV = "vgz/wijkverpleging-2024"


@pytest.fixture(scope="module")
def wv_base():
    """An existing provider meeting every minimum requirement: the base of the boundary table."""
    import yaml
    from pathlib import Path
    table = Path(__file__).parent / "boundaries" / "vgz" / "wijkverpleging-2024.yaml"
    return yaml.safe_load(table.read_text(encoding="utf-8"))["base"]


def test_vgz_wijkverpleging_minimum_requirements_can_all_be_met(bundle, wv_base):
    c = find(answer_for(bundle, {**wv_base, "omzet_verzekeraar": {2023: 100_000}}, "vgz", 2024), WV, "wijkverpleging")
    assert all(r["status"] == "met" for r in c["requirements"]), [r["id"] for r in c["requirements"] if r["status"] != "met"]
    assert c["best_tier"] == "clientvolgend"


@pytest.mark.parametrize("revenue, benchmark, best", [
    (249_999, None, "clientvolgend"),
    (250_000, None, "clientvolgend"),  # 'tot € 250.000'; the benchmark needs 'groter dan' (note omzetgrens-250000)
    (250_001, "plus", "plus"),
    (250_001, "standaard", "standaard"),
    (250_001, None, None),             # benchmark outcome not known yet: eligible, type open
])
def test_vgz_wijkverpleging_revenue_boundary_and_benchmark(bundle, wv_base, revenue, benchmark, best):
    facts = {**wv_base, "omzet_verzekeraar": {2023: revenue}, "vgz_benchmark_wijkverpleging": None}
    if benchmark:
        facts["vgz_benchmark_wijkverpleging"] = {2024: benchmark}
    c = find(answer_for(bundle, facts, "vgz", 2024), WV, "wijkverpleging")
    assert c["verdict"] == "eligible"
    assert c["best_tier"] == best


def test_vgz_wijkverpleging_exclusion_from_the_benchmark_is_vgzs_choice(bundle, wv_base):
    facts = {**wv_base, "omzet_verzekeraar": {2023: 400_000}, "uitgesloten_van_benchmark": {2024: True}}
    c = find(answer_for(bundle, facts, "vgz", 2024), WV, "wijkverpleging")
    assert (c["verdict"], c["best_tier"]) == ("unknown", None)
    for offered, verdict, best in ((True, "eligible", "clientvolgend"), (False, "not-eligible", None)):
        c = find(answer_for(bundle, {**facts, "aanbod_na_uitsluiting_benchmark": {2024: offered}}, "vgz", 2024),
                 WV, "wijkverpleging")
        assert (c["verdict"], c["best_tier"]) == (verdict, best)
        assert "uitsluiting-benchmark-aanbod" in [f.get("id") for f in c["flags"]]


@pytest.mark.parametrize("share, transition, verdict", [
    (33, False, "eligible"), (33.5, False, "not-eligible"), (40, True, "eligible"), ("absent", False, "not-eligible")])
def test_vgz_wijkverpleging_subcontracting_norm_33_percent(bundle, wv_base, share, transition, verdict):
    facts = {**wv_base, "omzet_verzekeraar": {2023: 100_000}, "aandeel_onderaanneming": share,
             "afbouwafspraak_onderaanneming": transition}
    c = find(answer_for(bundle, facts, "vgz", 2024), WV, "wijkverpleging")
    assert c["verdict"] == verdict


def test_vgz_zzp_only_for_existing_zzp_contracts(bundle, wv_base):
    zzp_base = {**wv_base, "is_zzp_of_eenmanszaak": True, "aantal_clienten": {2023: 12}}
    running = {"since": "2019-01-01", "until": "2024-12-31"}
    c = find(answer_for(bundle, {**zzp_base, "zzp_overeenkomst_verzekeraar": running}, "vgz", 2024), WV, "zzp")
    assert c["verdict"] == "eligible"
    assert "zzp-minimumeisen-reikwijdte" in [n["id"] for n in c["notes"]]
    assert "zzp-geen-nieuwe-overeenkomsten" not in [n["id"] for n in c["notes"]]
    started_2023 = {"since": "2023-02-01", "until": "2024-12-31"}
    c = find(answer_for(bundle, {**zzp_base, "zzp_overeenkomst_verzekeraar": started_2023}, "vgz", 2024), WV, "zzp")
    assert c["verdict"] == "eligible"
    assert "zzp-geen-nieuwe-overeenkomsten" in [n["id"] for n in c["notes"]]
    c = find(answer_for(bundle, {**zzp_base, "zzp_overeenkomst_verzekeraar": "absent"}, "vgz", 2024), WV, "zzp")
    assert c["verdict"] == "not-eligible"


def test_vgz_innovatiebudget_depends_on_the_contract(bundle, wv_base):
    answer = answer_for(bundle, {**wv_base, "omzet_verzekeraar": {2023: 100_000}}, "vgz", 2024)
    budget = find(answer, WV, "innovatiebudget")
    assert budget["verdict"] == "unknown"  # awarded on impact: VGZ weighs it
    dependency = budget["criterion"]
    flat = [dependency] + dependency.get("children", [])
    assert any(n["kind"] == "contract" and n["status"] == "met" for n in flat)


# --------------------------------------------------------------------------- Zorg en Zekerheid fysiotherapie 2026
# Source: zorg-en-zekerheid-paramedische-zorg-2026, 5.1 Tabel 1 and Bijlage 1 (doelmatigheid: A <= P70,
# B <= P85, between P85 and 150 or 30 or fewer unique insured at most C, above 150 no contract; A and B
# need a Z&Z contract in 2023). The full boundary table is
# tests/boundaries/zorg-en-zekerheid/paramedische-zorg-2026.yaml.

ZZ = "zorg-en-zekerheid/paramedische-zorg-2026"


@pytest.fixture(scope="module")
def zz_all_but_efficiency():
    """A contracted practice meeting every basic and tier condition except the efficiency ones:
    the base profile of the boundary table without its index, position and patient count."""
    import json
    from pathlib import Path

    import yaml
    table = Path(__file__).parent / "boundaries" / "zorg-en-zekerheid" / "paramedische-zorg-2026.yaml"
    base = next(yaml.safe_load_all(table.read_text(encoding="utf-8")))["base"]
    facts = json.loads(json.dumps(base, default=str))  # held dates as ISO text
    for fact in ("behandelindex", "behandelindex_percentiel", "aantal_unieke_patienten"):
        facts.pop(fact)
    return facts


@pytest.mark.parametrize("position, index, best", [
    (70, 100, "tariefgroep-a"),
    (71, 100, "tariefgroep-b"),
    (85, 100, "tariefgroep-b"),
    (86, 150, "tariefgroep-c"),
    (86, 151, None),
])
def test_zz_percentile_tiers_by_spiegelinformatie_position(bundle, zz_all_but_efficiency, position, index, best):
    facts = {**zz_all_but_efficiency, "behandelindex_percentiel": {2024: position}, "behandelindex": {2024: index},
             "aantal_unieke_patienten": {2024: 200}}
    c = find(answer_for(bundle, facts, "zorg-en-zekerheid", 2026, "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["best_tier"] == best
    assert c["verdict"] == ("eligible" if best else "not-eligible")


def test_zz_unpublished_percentile_value_without_position_is_unknown(bundle, zz_all_but_efficiency):
    facts = {**zz_all_but_efficiency, "behandelindex": {2024: 100}, "aantal_unieke_patienten": {2024: 200}}
    c = find(answer_for(bundle, facts, "zorg-en-zekerheid", 2026, "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["best_tier"] == "tariefgroep-c" and c["maybe_better"] == ["tariefgroep-a", "tariefgroep-b"]


def test_zz_thirty_or_fewer_unique_insured_gives_at_most_c(bundle, zz_all_but_efficiency):
    facts = {**zz_all_but_efficiency, "aantal_unieke_patienten": {2024: 30}, "behandelindex": {2024: 400}}
    c = find(answer_for(bundle, facts, "zorg-en-zekerheid", 2026, "fysiotherapie"), ZZ, "fysiotherapie")
    assert tiers(c) == {"tariefgroep-a": "not-eligible", "tariefgroep-b": "not-eligible", "tariefgroep-c": "eligible"}
    facts["aantal_unieke_patienten"] = {2024: 31}
    c = find(answer_for(bundle, facts, "zorg-en-zekerheid", 2026, "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["verdict"] == "not-eligible" and tiers(c)["tariefgroep-c"] == "not-eligible"


def test_zz_no_contract_in_2023_means_no_a_or_b(bundle, zz_all_but_efficiency):
    facts = {**zz_all_but_efficiency, "behandelindex_percentiel": {2024: 50}, "behandelindex": {2024: 90},
             "aantal_unieke_patienten": {2024: 200}, "overeenkomst_zz_fysiotherapie_2023": False}
    c = find(answer_for(bundle, facts, "zorg-en-zekerheid", 2026, "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["best_tier"] == "tariefgroep-c"
    a = next(t for t in c["tiers"] if t["tier"] == "tariefgroep-a")
    assert [leaf.get("fact") for leaf in a["needed"]] == ["overeenkomst_zz_fysiotherapie_2023"]


def test_zz_higher_tier_for_2026_only_on_request(bundle, zz_all_but_efficiency):
    facts = {**zz_all_but_efficiency, "behandelindex_percentiel": {2024: 50}, "behandelindex": {2024: 90},
             "aantal_unieke_patienten": {2024: 200}, "tariefgroep_fysiotherapie_zz_2025": "c"}
    c = find(answer_for(bundle, {**facts, "verzoek_hogere_tariefgroep_2026": False}, "zorg-en-zekerheid", 2026,
                        "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["best_tier"] == "tariefgroep-c" and c["maybe_better"] == []
    c = find(answer_for(bundle, {**facts, "verzoek_hogere_tariefgroep_2026": True}, "zorg-en-zekerheid", 2026,
                        "fysiotherapie"), ZZ, "fysiotherapie")
    assert c["best_tier"] == "tariefgroep-a"


# --------------------------------------------------------------------------- Zilveren Kruis fysiotherapie 2026-2027
# Source: zilveren-kruis-fysiotherapie-2026-2027, "Voorwaarden overeenkomst", the two modules and
# the addendum Valpreventieve Beweeginterventie.

ZK = "zilveren-kruis/fysiotherapie-2026-2027"
ZK_BASE = {"alle_therapeuten_big": True, "alle_fysiotherapeuten_kwaliteitsregister": True, "prem_meting": True,
           "praktijkinrichting_primaire_behandellocatie": True, "declareert_elektronisch": True,
           "eerdere_overeenkomst_beeindigd_fraude": False, "voldoet_wtza": True,
           "wtza_vergunning_ontbreekt_of_ingetrokken": False, "datum_ondertekening_overeenkomst": "2025-10-15"}
ZK_VV = {**ZK_BASE, "praktijk_erkend_praktijkkwaliteitsregister": True,
         "maanden_ingeschreven_praktijkkwaliteitsregister": 12, "jaarcyclus_praktijkkwaliteitsregister_doorlopen": True,
         "eerste_jaarcyclus_visitatie_voldaan": True, "praktijkvisitatie_elke_twee_jaar": True,
         "peer_reviews_per_jaar": 4, "peer_review_thema_data": True, "pdca_datarapportage": True,
         "data_maandelijks_landelijke_database": True, "scholing_datagebruik_alle_fysiotherapeuten": True,
         "prem_volgens_zn_meetinstructies": True, "overeenkomst_erkend_meetbureau": True,
         "prem_toestemming_zorgkaartnederland": True, "prem_toestemming_landelijke_verwerker": True,
         "inzage_portfolio_visitatierapporten": True, "ingangsdatum_module_voortdurend_verbeteren": "2026-01-01"}


def zk(bundle, facts, contract, year=2026):
    return find(answer_for(bundle, facts, "zilveren-kruis", year, "fysiotherapie"), ZK, contract)


def test_zk_base_contract_and_fraud_exclusion(bundle):
    assert zk(bundle, ZK_BASE, "fysiotherapie")["verdict"] == "eligible"
    ended = zk(bundle, {**ZK_BASE, "eerdere_overeenkomst_beeindigd_fraude": True}, "fysiotherapie")
    assert ended["verdict"] == "not-eligible"
    # the modules and the addendum need the base contract, so the exclusion reaches them too
    facts = {**ZK_VV, "eerdere_overeenkomst_beeindigd_fraude": True, "behandelindex_percentiel": {2024: 10},
             "chronisch_zorgnet_long_minstens_een_fysiotherapeut": True}
    for module in ("module-verdiepen-en-specialiseren", "module-voortdurend-verbeteren", "addendum-valpreventie"):
        assert zk(bundle, facts, module)["verdict"] == "not-eligible", module


def test_zk_existing_practice_signing_after_10_november_gets_no_contract(bundle):
    # "Na 10 november kunnen alleen nieuwe praktijken nog een overeenkomst met ons aangaan."
    late = {**ZK_BASE, "datum_ondertekening_overeenkomst": "2025-11-11", "nieuwe_praktijk_fysiotherapie": False}
    assert zk(bundle, late, "fysiotherapie")["verdict"] == "not-eligible"
    assert zk(bundle, {**late, "nieuwe_praktijk_fysiotherapie": True}, "fysiotherapie")["verdict"] == "eligible"


def test_zk_wtza_non_compliance_is_weighed_a_revoked_permit_is_not(bundle):
    weighed = zk(bundle, {**ZK_BASE, "voldoet_wtza": False}, "fysiotherapie")
    assert weighed["verdict"] == "unknown" and "wtza-discretionair" in {f.get("id") for f in weighed["flags"]}
    revoked = zk(bundle, {**ZK_BASE, "wtza_vergunning_ontbreekt_of_ingetrokken": True}, "fysiotherapie")
    assert revoked["verdict"] == "not-eligible"


NO_NETWORK = {"parkinsonnet_minstens_een_fysiotherapeut": False, "chronisch_zorgnet_pav_minstens_een_fysiotherapeut": False,
              "chronisch_zorgnet_long_minstens_een_fysiotherapeut": False}


@pytest.mark.parametrize("networks, verdict", [
    ({"parkinsonnet_minstens_een_fysiotherapeut": True}, "eligible"),
    ({"chronisch_zorgnet_pav_minstens_een_fysiotherapeut": True}, "eligible"),
    ({"chronisch_zorgnet_long_minstens_een_fysiotherapeut": True}, "eligible"),   # COPD GOLD II+: new per 2026
    ({**NO_NETWORK, "gespecialiseerde_fysiotherapeut_andere_patientgroep": True}, "unknown"),  # not stated
    ({**NO_NETWORK, "gespecialiseerde_fysiotherapeut_andere_patientgroep": False}, "not-eligible"),
])
def test_zk_verdiepen_en_specialiseren_networks(bundle, networks, verdict):
    assert zk(bundle, {**ZK_BASE, **networks}, "module-verdiepen-en-specialiseren")["verdict"] == verdict


@pytest.mark.parametrize("start, year, position, verdict", [
    ("2026-01-01", 2026, {2024: 60}, "eligible"),       # at the 6th decile: "kleiner dan of gelijk aan"
    ("2026-01-01", 2026, {2024: 61}, "not-eligible"),
    ("2027-03-01", 2027, {2025: 60}, "eligible"),       # a start in 2027 uses the index over 2025
    ("2027-03-01", 2027, {2025: 61}, "not-eligible"),
    ("2026-01-01", 2027, {2024: 60, 2025: 90}, "eligible"),  # running since 2026: 2025 has no influence
])
def test_zk_voortdurend_verbeteren_sixth_decile(bundle, start, year, position, verdict):
    facts = {**ZK_VV, "ingangsdatum_module_voortdurend_verbeteren": start, "behandelindex_percentiel": position}
    c = zk(bundle, facts, "module-voortdurend-verbeteren", year)
    assert c["verdict"] == verdict


def test_zk_voortdurend_verbeteren_boundaries(bundle):
    ok = {**ZK_VV, "behandelindex_percentiel": {2024: 40, 2025: 40}}
    assert zk(bundle, ok, "module-voortdurend-verbeteren")["verdict"] == "eligible"
    for fact, value in [("maanden_ingeschreven_praktijkkwaliteitsregister", 11), ("peer_reviews_per_jaar", 3),
                        ("overeenkomst_erkend_meetbureau", False), ("prem_toestemming_landelijke_verwerker", False)]:
        c = zk(bundle, {**ok, fact: value}, "module-voortdurend-verbeteren")
        assert c["verdict"] == "not-eligible", fact
    # in 2027 without a start date: both years' index pass, so it does not matter which one counts
    no_date = {k: v for k, v in ok.items() if k != "ingangsdatum_module_voortdurend_verbeteren"}
    assert zk(bundle, no_date, "module-voortdurend-verbeteren", 2027)["verdict"] == "eligible"
    # ... but with the index over 2025 above the 6th decile the start date decides
    c = zk(bundle, {**no_date, "behandelindex_percentiel": {2024: 40, 2025: 70}}, "module-voortdurend-verbeteren", 2027)
    assert c["verdict"] == "unknown"
    assert "ingangsdatum_module_voortdurend_verbeteren" in {leaf.get("fact") for leaf in c["needed"]}


ZK_VALPREVENTIE = {**ZK_BASE, "valpreventie_geldige_verwijzing": True,
                   "valpreventie_therapeuten_vaardig_door_scholing": True,
                   "valpreventie_afspraken_regio_of_huisarts": True, "valpreventie_afspraken_gemeente": True,
                   "valpreventie_afspraken_basisonderwerpen": True, "valpreventie_afspraken_verwijzers": True,
                   "valpreventie_afspraken_beweegaanbod_sociaal_domein": True,
                   "valpreventie_afspraken_overzicht_stakeholders": True, "valpreventie_afspraken_goedgekeurd": True}


def test_zk_valpreventie_home_programme_needs_no_group_conditions(bundle):
    facts = {**ZK_VALPREVENTIE, "biedt_otago_thuis": True, "biedt_otago_groep": False, "biedt_in_balans": False}
    assert zk(bundle, facts, "addendum-valpreventie")["verdict"] == "eligible"
    facts["valpreventie_afspraken_gemeente"] = False
    assert zk(bundle, facts, "addendum-valpreventie")["verdict"] == "not-eligible"


@pytest.mark.parametrize("programme, prefix, guided, size, verdict", [
    ("biedt_otago_groep", "otago_groep", 1, 6, "eligible"),
    ("biedt_otago_groep", "otago_groep", 1, 7, "not-eligible"),
    ("biedt_in_balans", "in_balans", 2, 6, "eligible"),
    ("biedt_in_balans", "in_balans", 1, 6, "not-eligible"),  # In Balans: 2 guided
])
def test_zk_valpreventie_group_programmes(bundle, programme, prefix, guided, size, verdict):
    facts = {**ZK_VALPREVENTIE, "biedt_otago_thuis": False, "biedt_otago_groep": False, "biedt_in_balans": False,
             programme: True, f"{prefix}_begeleide_groepsmomenten": guided,
             f"{prefix}_groepsgrootte_per_begeleider": size, f"{prefix}_oefenmomenten_per_week": 3,
             f"{prefix}_oefenuren_per_week": 2}
    c = zk(bundle, facts, "addendum-valpreventie")
    assert c["verdict"] == verdict
    # the programme that misses its conditions is a care-level limitation as well
    limitation = next(r for r in c["limitations"] if r["id"] == f"valpreventie-{prefix.replace('_', '-')}")
    assert limitation["status"] == ("met" if verdict == "eligible" else "not-met")


def test_zk_partial_2024_2025_is_never_a_pass(bundle):
    answer = answer_for(bundle, ZK_BASE, "zilveren-kruis", 2025, "fysiotherapie")
    contracts = [c for ins in answer["insurers"] for pol in ins["policies"] for c in pol["contracts"]]
    assert contracts and all(c["unconditioned"] and c["verdict"] == "unknown" for c in contracts)
