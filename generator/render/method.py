"""The method page's generated part: what the data deliberately leaves out of each source.

``inkoopwijzer coverage`` reports every date and number of a source that no policy accounts
for; a policy may list deliberate omissions (``not_encoded``) with the reason. Readers see
that list here, so "not in the data" is never silent.
"""
from __future__ import annotations

from ..escape import markdown as md
from ..model import Catalog


def omissions_section(catalog: Catalog) -> str:
    """Markdown: per policy, each omitted source fragment and why."""
    lines = ["", "## Bewust niet opgenomen", "",
             "`inkoopwijzer coverage` controleert of elke datum en elk getal met een eenheid uit een "
             "brontekst in de gegevens terugkomt. Wat bewust niet is opgenomen, staat hieronder, met de reden.",
             ""]
    rows = [(rec, item) for rec in catalog.sorted_policies() for item in rec.policy.not_encoded]
    if not rows:
        lines.append("Geen: elk getal en elke datum uit de bronnen staat in de gegevens.")
    else:
        lines += ["| Beleid | Bron | Fragment | Reden |", "|---|---|---|---|"]
        for rec, item in rows:
            source = catalog.sources[item.source or rec.policy.sources[0]]
            insurer = catalog.insurers[rec.insurer_id].short_name
            lines.append(f"| {md(insurer)}: {md(rec.policy.title)} | {md(source.title)} | "
                         f"“{md(item.text)}” | {md(item.reason)} |")
    return "\n".join(lines) + "\n"
