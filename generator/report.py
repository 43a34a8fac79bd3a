"""Plain-text rendering of engine answers for the terminal (``inkoopwijzer check``)."""
from __future__ import annotations

from typing import Any

MARK = {"met": "✓", "not-met": "✗", "unknown": "?", "eligible": "✓", "not-eligible": "✗"}
WORD = {"eligible": "komt in aanmerking", "not-eligible": "komt niet in aanmerking", "unknown": "nog onbekend"}
NO_CONDITIONS = "het beleid noemt hiervoor geen voorwaarden die te toetsen zijn"


def _value(v: Any) -> str:
    if v is None:
        return "niet opgegeven"
    if isinstance(v, bool):
        return "ja" if v else "nee"
    return str(v)


def _criterion(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    extra = ""
    if "children" not in node:
        extra = f"  [uw waarde: {_value(node.get('value'))}]"
    lines.append(f"{pad}{MARK[node['status']]} {node['label']}{extra}")
    if node.get("note"):
        lines.append(f"{pad}    ! bronopmerking: {node['note']['text']}")
    for child in node.get("children", []):
        _criterion(child, depth + 1, lines)


def text_report(answer: dict[str, Any]) -> str:
    lines: list[str] = []
    if not answer["insurers"]:
        return "Geen beleid binnen deze selectie."
    for ins in answer["insurers"]:
        lines.append(f"== {ins['name']} ==")
        for best in ins["best"]:
            maybe = f" (mogelijk beter: {', '.join(best['maybe_better'])})" if best["maybe_better"] else ""
            lines.append(f"Beste haalbare: {best['name']} – {best['tier_name']}{maybe}")
        for pol in ins["policies"]:
            lines.append(f"-- {pol['title']} ({', '.join(map(str, pol['contract_years']))})"
                         + (" [gedeeltelijk bekend]" if pol["completeness"] == "partial" else ""))
            for c in pol["contracts"]:
                lines.append(f"  {MARK[c['verdict']]} {c['name']}: {WORD[c['verdict']]}"
                             + (f" – {c['best_tier_name']}" if c["best_tier_name"] else ""))
                if c["unconditioned"]:
                    lines.append(f"      {NO_CONDITIONS}")
                for req in c["requirements"]:
                    if req["status"] != "met":
                        _criterion(req["result"], 2, lines)
                if c["criterion"] and c["criterion"]["status"] != "met":
                    _criterion(c["criterion"], 2, lines)
                for t in c["tiers"]:
                    lines.append(f"      {MARK[t['verdict']]} {t['name']}: {WORD[t['verdict']]}")
                    for leaf in t["needed"][:6]:
                        lines.append(f"          nodig: {leaf['label']} [uw waarde: {_value(leaf['value'])}]")
                    for note in t["notes"]:
                        lines.append(f"          ! bronopmerking: {note['text']}")
                for leaf in c["needed"][:6]:
                    lines.append(f"      nodig: {leaf['label']} [uw waarde: {_value(leaf['value'])}]")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
