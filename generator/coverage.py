"""Source coverage: does the data account for everything its source texts state?

``inkoopwijzer coverage [POLICY...]`` reads the source texts of each policy (the extracted
texts in the sources folder, never copied into the project) and reports, located in the
source like ``validate`` locates data problems:

* every date and every number with a unit (%, €, fte, patients, index values …) that no
  item of the policies citing that source accounts for;
* every cited section heading that does not occur in its source, and every cited address
  that is not one of an extract's section addresses;
* every source file the registry names that is missing;
* every ``not_encoded`` fragment that no longer occurs in its source.

A value is accounted for when some policy citing the source states it anywhere (a threshold,
a date field, or the words of a label or text), or when a ``not_encoded`` entry names a
fragment of its source line with the reason it is left out (a page footer, an example
figure). The check works for any source and any policy: nothing here knows an insurer.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import Problem
from .model import Catalog, PolicyRecord

MONTHS = {"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
          "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12}
_MONTH = "|".join(MONTHS)
DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.I)
DATE_NUMERIC = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
UNITS = (r"%|procent|fte|patiënten|patiënt|verzekerden|verzekerde|cliënten|cliënt|therapeuten|therapeut|"
         r"fysiotherapeuten|fysiotherapeut|praktijken|praktijk|zorgaanbieders|deelnemers|uur|uren|werkdagen|"
         r"dagen|dag|weken|week|maanden|maand|jaren|jaar|minuten|behandelingen|zittingen|sessies|keer|"
         r"good practices?|postcodegebieden|postcodegebied|percentiel|deciel|punten")
FILLER = r"(?:\s+(?:of|en|tot|minder|meer|minimaal|maximaal|unieke|behandelde|gecontracteerde|per|"\
         r"ingeschreven|werkzame|geïmplementeerde|erkende|kalender|e|ste|de))*"
AMOUNT = re.compile(rf"(?:€|EUR|euro)\s*(?P<n>{NUMBER})|(?P<m>{NUMBER})\s*(?:euro\b|mln|miljoen)", re.I)
WITH_UNIT = re.compile(rf"(?<![\d.,/-])(?P<n>{NUMBER})(?:e|ste|de)?{FILLER}\s*(?:{UNITS})(?![a-zà-ü])", re.I)
INDEX_WORD = re.compile(r"behandelindex|index|percentiel|deciel|drempel|norm", re.I)
ANY_NUMBER = re.compile(rf"(?<![\d.,/-])(?P<n>{NUMBER})(?![\d,]|-\d)")
SOURCE_HEADER = re.compile(r"^=== SOURCE[^:]*: (\S+)")


@dataclass(frozen=True, order=True)
class Mention:
    """A date or a number with a unit, where a source states it."""

    line: int
    column: int
    kind: str  # "date" | "number"
    text: str
    value: Any


def sources_dir(policies_root: Path) -> Path:
    """The folder of extracted source texts: INKOOPWIJZER_SOURCES, else ``../shared/sources``
    beside the project that holds the policies folder."""
    env = os.environ.get("INKOOPWIJZER_SOURCES")
    if env:
        return Path(env)
    return policies_root.resolve().parent.parent / "shared" / "sources"


def parse_number(text: str) -> float:
    """Dutch notation: '250.000' is 250000, '7,77' is 7.77."""
    return float(text.replace(".", "").replace(",", "."))


def _is_year(raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1990 <= int(raw) <= 2100


def mentions(text: str) -> list[Mention]:
    """Every date and number-with-unit a source text states, with its line and column.

    Line breaks of the extracted PDFs fall anywhere, so the text is searched as one stream
    (a line break counts as a space) and each hit is located back on its line."""
    lines = text.split("\n")
    starts, offset = [], 0
    skip: list[tuple[int, int]] = []
    for line in lines:
        starts.append(offset)
        if SOURCE_HEADER.match(line) or line.startswith("#"):
            skip.append((offset, offset + len(line)))  # an extract's own bookkeeping
        offset += len(line) + 1
    flat = text.replace("\n", " ")

    def where(pos: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(starts, pos) - 1
        return i + 1, pos - starts[i] + 1

    def skipped(pos: int) -> bool:
        return any(a <= pos < b for a, b in skip)

    found: dict[tuple[int, str], Mention] = {}
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, kind: str, shown: str, value: Any) -> None:
        if skipped(pos) or any(a <= pos < b for a, b in taken):
            return
        line, col = where(pos)
        found.setdefault((pos, kind), Mention(line, col, kind, re.sub(r"\s+", " ", shown).strip(), value))
        if kind == "date":
            taken.append((pos, end))

    for pattern, order in ((DATE_WORDS, "dmy-word"), (DATE_NUMERIC, "dmy"), (DATE_ISO, "ymd")):
        for m in pattern.finditer(flat):
            if order == "dmy-word":
                y, mo, d = int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))
            elif order == "dmy":
                y, mo, d = int(m.group(3)), int(m.group(2)), int(m.group(1))
            else:
                y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            try:
                add(m.start(), m.end(), "date", m.group(0), date(y, mo, d))
            except ValueError:
                continue
    for m in AMOUNT.finditer(flat):
        g = "n" if m.group("n") else "m"
        add(m.start(g), m.end(g), "number", m.group(0), parse_number(m.group(g)))
    for m in WITH_UNIT.finditer(flat):
        if not _is_year(m.group("n")):
            add(m.start("n"), m.end("n"), "number", m.group(0), parse_number(m.group("n")))
    for word in INDEX_WORD.finditer(flat):
        clause_end = min([i for i in (flat.find(".", word.end()), flat.find(";", word.end())) if i >= 0]
                         + [word.end() + 80])
        for m in ANY_NUMBER.finditer(flat, word.end(), min(clause_end, word.end() + 80)):
            raw = m.group("n")
            if _is_year(raw):
                continue
            add(m.start("n"), m.end("n"), "number", flat[word.start():m.end()], parse_number(raw))
    return sorted(found.values())


# --------------------------------------------------------------------------- what the data states

def _walk(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk(value)
    else:
        yield data


def stated(records: Iterable[PolicyRecord]) -> tuple[set[date], set[float]]:
    """Every date and number the policies state, in fields or in their words."""
    dates: set[date] = set()
    numbers: set[float] = set()
    for rec in records:
        for value in _walk(rec.policy.model_dump(mode="json")):
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, (int, float)):
                numbers.add(float(value))
                continue
            if not isinstance(value, str):
                continue
            if DATE_ISO.fullmatch(value):
                dates.add(date.fromisoformat(value))
                continue
            for m in mentions(value):
                (dates if m.kind == "date" else numbers).add(m.value)
            for m in re.finditer(NUMBER, value):
                numbers.add(parse_number(m.group(0)))
    return dates, numbers


# --------------------------------------------------------------------------- the check

def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _policy_file(root: Path, rec: PolicyRecord) -> Path:
    return root / rec.insurer_id / f"{rec.stem}.yaml"


def _cites(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """(path, cite) of every citation in a policy's JSON."""
    if isinstance(data, dict):
        if "section" in data and isinstance(data.get("section"), str) and path and path[-1] == "cite":
            yield path, data
        for key, value in data.items():
            yield from _cites(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _cites(value, path + (i,))


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def check(catalog: Catalog, root: Path, display_root: str, folder: Path,
          only: set[str] | None = None) -> list[Problem]:
    """Every coverage problem of the policies (all, or the keys in ``only``)."""
    from .load import display_path, load_file

    problems: list[Problem] = []
    records = [r for r in catalog.sorted_policies() if only is None or r.key in only]
    by_source: dict[str, list[PolicyRecord]] = {}
    for rec in catalog.sorted_policies():
        for sid in rec.policy.sources:
            by_source.setdefault(sid, []).append(rec)
    wanted = sorted({sid for rec in records for sid in rec.policy.sources})
    texts: dict[str, str] = {}
    for sid in wanted:
        src = catalog.sources[sid]
        path = folder / src.file
        if not path.is_file():
            problems.append(Problem(f"{display_root}/registry/sources.yaml", 1, 1, f"sources.{sid}",
                                    f"source file {src.file!r} is missing in {folder}"))
            continue
        texts[sid] = path.read_text(encoding="utf-8")

    # 1. dates and numbers no policy of that source accounts for
    for sid, text in texts.items():
        users = by_source[sid]
        dates, numbers = stated(users)
        omissions = [(rec, i, n) for rec in users for i, n in enumerate(rec.policy.not_encoded)
                     if (n.source or rec.policy.sources[0]) == sid]
        lines = text.splitlines()
        normal_lines = [_normal(line) for line in lines]
        excused = set()
        for rec, i, n in omissions:
            fragment = _normal(n.text)
            hit = [k for k, line in enumerate(normal_lines, 1) if fragment in line]
            if not hit:
                doc = load_file(_policy_file(root, rec), f"{display_root}/{rec.insurer_id}/{rec.stem}.yaml")
                line, col = doc.mark(("not_encoded", i, "text"))
                problems.append(Problem(doc.file, line, col, display_path(("not_encoded", i, "text")),
                                        f"fragment not found in source {sid!r}: it no longer excuses anything"))
            excused.update(hit)
        source_file = _display(folder / catalog.sources[sid].file)
        for m in mentions(text):
            if m.line in excused:
                continue
            if m.kind == "date" and m.value in dates:
                continue
            if m.kind == "number" and m.value in numbers:
                continue
            what = "date" if m.kind == "date" else "number"
            problems.append(Problem(source_file, m.line, m.column, sid,
                                    f"{what} {m.text!r} is not accounted for by "
                                    f"{', '.join(r.key for r in users)} (encode it, or list it under not_encoded "
                                    "with a reason)"))

    # 2. cited headings and addresses that are not in the source
    for rec in records:
        data = rec.policy.model_dump(mode="json", by_alias=True, exclude_none=True)
        doc = None
        for path, cite in _cites(data):
            sid = cite.get("source") or rec.policy.sources[0]
            if sid not in texts:
                continue
            flat = _normal(texts[sid])
            missing = [part for part in cite["section"].split(" > ") if _normal(part) not in flat]
            urls = [m.group(1) for m in map(SOURCE_HEADER.match, texts[sid].splitlines()) if m]
            wrong_url = bool(urls and cite.get("url") and cite["url"].split("#")[0] not in
                             {u.split("#")[0] for u in urls})
            if not missing and not wrong_url:
                continue
            doc = doc or load_file(_policy_file(root, rec), f"{display_root}/{rec.insurer_id}/{rec.stem}.yaml")
            line, col = doc.mark(path + ("section",) if missing else path + ("url",))
            if missing:
                problems.append(Problem(doc.file, line, col, display_path(path + ("section",)),
                                        f"heading {missing[0]!r} does not occur in source {sid!r}"))
            if wrong_url:
                problems.append(Problem(doc.file, line, col, display_path(path + ("url",)),
                                        f"{cite['url']} is not one of the section addresses of source {sid!r}"))
    return sorted(set(problems))
