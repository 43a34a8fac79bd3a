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

VGZ = "vgz/paramedische-zorg-2024"
VGZ_MINIMUM = {"integriteitstoets_zonder_bezwaar": True, "alle_therapeuten_big": True,
               "voldoet_kwaliteitseisen_beroepsvereniging": True, "alle_fysiotherapeuten_kwaliteitsregister": True,
               "verbijzonderingen_in_deelregister": True}
# a practice with no Good Practices, no zorgplan, no SKF registration: only the index decides
VGZ_PLAIN = {**VGZ_MINIMUM, "praktijk_skf_keurmerk": False, "praktijk_skf_aspirant": False,
             "aantal_good_practices_fysiotopics_zorg1": 0, "aantal_good_practices_geimplementeerd": 0,
             "good_practice_multidisciplinair_zorgpad": False, "lid_samenwerkingsverband": False,
             "erkend_zorgplan_geimplementeerd": False, "aantal_unieke_patienten": 200}


@pytest.mark.parametrize("index, best", [
    (39, "basis"),      # "lager dan 40": Basis situation 2
    (40, "generiek"),   # "40 tot en met 110": Generiek situation 4
    (110, "generiek"),  # in both Generiek (t/m 110) and Basis (tussen 110 en 149): best wins, noted
    (111, "basis"),     # "tussen 110 en 149"
    (149, "basis"),
    (150, None),        # above 149 no situation applies
])
def test_vgz_behandelindex_boundaries(bundle, index, best):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex": index}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == best
    assert c["verdict"] == ("eligible" if best else "not-eligible")


def test_vgz_110_is_flagged_as_ambiguous_with_the_source_note(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex": 110}, "vgz", 2024), VGZ, "fysiotherapie")
    generiek = next(t for t in c["tiers"] if t["tier"] == "generiek")
    basis = next(t for t in c["tiers"] if t["tier"] == "basis")
    assert "behandelindex-110-in-twee-tariefgroepen" in [n["id"] for n in generiek["notes"]]
    assert basis["verdict"] == "eligible"  # the source puts 110 in Basis too
    assert all(n["cite"]["url"].startswith("https://www.cooperatievgz.nl/") for n in generiek["notes"])


def test_vgz_thirty_or_fewer_patients_gives_basis_without_an_index(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "aantal_unieke_patienten": 30}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == "basis"
    c = find(answer_for(bundle, {**VGZ_PLAIN, "aantal_unieke_patienten": 31}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] is None and c["verdict"] == "unknown"  # index still unknown


def test_vgz_intensief_needs_keurmerk_and_good_practices(bundle):
    facts = {**VGZ_PLAIN, "behandelindex": 100, "aantal_good_practices_fysiotopics_zorg1": 3}
    c = find(answer_for(bundle, facts, "vgz", 2024), VGZ, "fysiotherapie")
    assert tiers(c)["intensief"] == "not-eligible"  # no Keurmerk
    c = find(answer_for(bundle, {**facts, "praktijk_skf_keurmerk": True}, "vgz", 2024), VGZ, "fysiotherapie")
    assert c["best_tier"] == "intensief"
    needed = next(t for t in find(answer_for(bundle, facts, "vgz", 2024), VGZ, "fysiotherapie")["tiers"]
                  if t["tier"] == "intensief")["needed"]
    assert [leaf.get("fact") for leaf in needed] == ["praktijk_skf_keurmerk"]


def test_vgz_missing_minimum_requirement_is_not_eligible(bundle):
    c = find(answer_for(bundle, {**VGZ_PLAIN, "behandelindex": 100, "alle_therapeuten_big": False}, "vgz", 2024),
             VGZ, "fysiotherapie")
    assert c["verdict"] == "not-eligible"


def test_vgz_hand_splint_addendum_needs_a_signed_ergo_or_physio_contract(bundle):
    splint = {"handtherapeut_cht_nl": True, "samenwerking_handchirurg": True}
    answer = answer_for(bundle, {**VGZ_PLAIN, "behandelindex": 100, **splint}, "vgz", 2024)
    assert find(answer, VGZ, "addendum-hand-en-vingerspalken")["verdict"] == "eligible"
    answer = answer_for(bundle, {**VGZ_PLAIN, "behandelindex": 100, "alle_therapeuten_big": False, **splint},
                        "vgz", 2024)
    # no physiotherapy contract; the ergotherapy contract is still unknown
    assert find(answer, VGZ, "addendum-hand-en-vingerspalken")["verdict"] == "unknown"
