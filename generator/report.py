"""Plain-text rendering of engine answers for the terminal (``inkoopwijzer check``)."""
from __future__ import annotations

from typing import Any

MARK = {"met": "✓", "not-met": "✗", "unknown": "?", "eligible": "✓", "not-eligible": "✗",
        "may-provide": "✓", "may-not-provide": "✗"}
WORD = {"eligible": "komt in aanmerking", "not-eligible": "komt niet in aanmerking", "unknown": "nog onbekend"}
SELECTIVE_WORD = {"may-provide": "mag u leveren en declareren", "may-not-provide": "mag u niet leveren",
                  "unknown": "nog onbekend"}
GUIDELINE = {"met": "voldoet aan de richtlijn", "not-met": "voldoet niet aan de richtlijn",
             "unknown": "richtlijn nog niet te beoordelen"}
FLAG = {"inconsistency": "tegenstrijdigheid in de bron", "ambiguity": "onduidelijkheid in de bron",
        "typo": "verschrijving in de bron", "omission": "ontbrekend gegeven in de bron",
        "conflict": "bronnen spreken elkaar tegen", "guideline": "richtlijn", "incomplete": "onvolledige lijst",
        "unconditioned": "geen toetsbare voorwaarden", "gap": "gat in de tariefgroepen",
        "term-end-unknown": "einddatum onbekend"}


def _value(v: Any) -> str:
    if v is None:
        return "niet opgegeven"
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if v == "absent":
        return "bestaat niet"
    if isinstance(v, dict) and "since" in v:
        return f"sinds {v['since']}" + (f" tot en met {v['until']}" if v.get("until") else "")
    return str(v)


def _criterion(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    extra = ""
    if "children" not in node:
        extra = f"  [uw waarde: {_value(node.get('value'))}]"
    if node.get("guideline"):
        extra += f"  ({GUIDELINE[node['guideline']]}; de verzekeraar weegt dit af)"
    lines.append(f"{pad}{MARK[node['status']]} {node['label']}{extra}")
    if node.get("note"):
        lines.append(f"{pad}    ! bronopmerking: {node['note']['text']}")
    for child in node.get("children", []):
        _criterion(child, depth + 1, lines)


def _flags(flags: list[dict[str, Any]], pad: str, lines: list[str]) -> None:
    for flag in flags:
        lines.append(f"{pad}! {FLAG.get(flag['kind'], flag['kind'])}: {flag['text']}")


def _needed(leaves: list[dict[str, Any]], pad: str, lines: list[str]) -> None:
    for leaf in leaves[:6]:
        lines.append(f"{pad}nodig: {leaf['label']} [uw waarde: {_value(leaf['value'])}]")


def _contract(c: dict[str, Any], lines: list[str]) -> None:
    tier = f" – {c['best_tier_name']}" if c["best_tier_name"] else ""
    if c["exhaustive"] and c["verdict"] == "eligible" and not c["best_tier"]:
        tier = f" – tariefgroep nog onbekend ({', '.join(c['possible_tiers'])})"
    lines.append(f"  {MARK[c['verdict']]} {c['name']}: {WORD[c['verdict']]}{tier}"
                 + (f" (doorlopend uit {c['continued_from']})" if c.get("continued_from") else ""))
    for req in c["requirements"]:
        if req["status"] != "met":
            _criterion(req["result"], 2, lines)
    if c["criterion"] and c["criterion"]["status"] != "met":
        _criterion(c["criterion"], 2, lines)
    for t in c["tiers"]:
        lines.append(f"      {MARK[t['verdict']]} {t['name']}: {WORD[t['verdict']]}")
        _needed(t["needed"], "          ", lines)
        for note in t["notes"]:
            lines.append(f"          ! bronopmerking: {note['text']}")
    _needed(c["needed"], "      ", lines)
    for item in c["limitations"]:
        if item["status"] != "met":
            lines.append(f"      {MARK[item['status']]} beperking – {item['title']}: {item.get('consequence_text', '')}")
    for item in c["tariff_effects"]:
        if item["status"] != "met":
            lines.append(f"      {MARK[item['status']]} tarief – {item['title']}: {item.get('consequence_text', '')}")
    for item in c["expectations"]:
        lines.append(f"      · verwachting (geen voorwaarde) – {item['title']}")
    _flags(c["flags"], "      ", lines)


def text_report(answer: dict[str, Any]) -> str:
    lines: list[str] = []
    for warning in answer.get("warnings", []):
        lines.append(f"! Let op: {warning['text']}")
    if lines:
        lines.append("")
    if not answer["insurers"]:
        return "\n".join(lines + ["Geen beleid binnen deze selectie."]) + "\n"
    for ins in answer["insurers"]:
        lines.append(f"== {ins['name']} ==")
        for best in ins["best"]:
            maybe = f" (mogelijk beter: {', '.join(best['maybe_better'])})" if best["maybe_better"] else ""
            lines.append(f"Beste haalbare: {best['name']} – {best['tier_name']}{maybe}")
        for pol in ins["policies"]:
            lines.append(f"-- {pol['title']} (contractjaar {pol['year']})"
                         + (" [gedeeltelijk bekend]" if pol["completeness"] == "partial" else ""))
            for c in pol["contracts"]:
                _contract(c, lines)
            if pol["selective"]:
                lines.append("  Selectieve inkoop:")
            for rule in pol["selective"]:
                via = f" (via {rule['via']['name']})" if rule["via"] else ""
                lines.append(f"  {MARK[rule['verdict']]} {rule['condition']}: {SELECTIVE_WORD[rule['verdict']]}{via}")
                _needed(rule["needed"], "      ", lines)
                _flags(rule["flags"], "      ", lines)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
