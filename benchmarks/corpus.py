"""Synthetic corpus: valid policies shaped like the real ones, at any multiple of their size.

    .venv/bin/python benchmarks/corpus.py OUT_DIR --insurers N --years Y

Every real policy (and the test insurer) is cloned under N synthetic insurers and shifted
by 0..Y-1 years; ids, sources and dates are rewritten so the result validates. The output
is a complete project (mkdocs.yml, content/, site_overrides/, policies/).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.tree import make_project  # noqa: E402

YEAR = re.compile(r"\b(20[0-9]{2})\b")


class _NoAliases(yaml.SafeDumper):
    """The loader refuses YAML aliases, so never write them."""

    def ignore_aliases(self, data):
        return True


def shift_years(text: str, offset: int) -> str:
    if offset == 0:
        return text
    text = YEAR.sub(lambda m: str(int(m.group(1)) + offset), text)
    return text.replace("-02-29", "-02-28")


def make_corpus(dest: Path, insurers: int, years: int) -> dict[str, int]:
    """Write the corpus project into ``dest``; returns counts."""
    make_project(dest, with_real_policies=True)
    policies = dest / "policies"
    templates = sorted(p for p in policies.glob("*/*.yaml") if p.name != "index.yaml"
                       and p.parent.name != "registry")
    sources_file = policies / "registry" / "sources.yaml"
    all_sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    for extra in sorted((policies / "registry" / "sources").glob("*.yaml")):
        all_sources += yaml.safe_load(extra.read_text(encoding="utf-8"))
    by_insurer: dict[str, list[dict]] = {}
    for src in all_sources:
        by_insurer.setdefault(src["insurer"], []).append(src)
    synthetic_sources = []
    all_ids = {src["id"] for src in all_sources}
    count = 0
    for n in range(insurers):
        for offset in range(years):
            for original in sorted({t.parent.name for t in templates}):
                # one synthetic insurer per clone and year shift: references between its
                # policies (continues, sources) stay intact
                iid = f"synth{n:03d}y{offset}-{original}"
                (policies / iid).mkdir(exist_ok=True)
                index = yaml.safe_load((policies / original / "index.yaml").read_text(encoding="utf-8"))
                index["name"] = f"{index['name']} (synthetisch {n}.{offset})"
                index["short_name"] = f"{index['short_name']}-{n}.{offset}"
                (policies / iid / "index.yaml").write_text(yaml.safe_dump(index, allow_unicode=True),
                                                           encoding="utf-8")
                renames = {f"{original}/": f"{iid}/"}
                for k, src in enumerate(by_insurer.get(original, [])):
                    # year-free ids: the year shift below must not rewrite them
                    clone = dict(src, id=f"{iid}-bron-{k}", insurer=iid)
                    renames[src["id"]] = clone["id"]
                    synthetic_sources.append(clone)
                for template in templates:
                    if template.parent.name != original:
                        continue
                    text = template.read_text(encoding="utf-8")
                    for old, new in sorted(renames.items(), key=lambda kv: -len(kv[0])):
                        text = re.sub(rf"(?<![\w-]){re.escape(old)}" + (r"\b" if not old.endswith("/") else ""), new, text)
                    # other insurers' source ids (named in conflict notes) keep their year
                    kept = {f"@@source{k}@@": sid for k, sid in enumerate(sorted(all_ids, key=len, reverse=True))}
                    for token, sid in kept.items():
                        text = re.sub(rf"(?<![\w-]){re.escape(sid)}(?![\w-])", token, text)
                    text = shift_years(text, offset)
                    for token, sid in kept.items():
                        text = text.replace(token, sid)
                    stem = YEAR.sub(lambda m: str(int(m.group(1)) + offset), template.stem)
                    (policies / iid / f"{stem}.yaml").write_text(text, encoding="utf-8")
                    count += 1
    (policies / "registry" / "sources" ).mkdir(exist_ok=True)
    (policies / "registry" / "sources" / "synthetic.yaml").write_text(
        yaml.dump(synthetic_sources, Dumper=_NoAliases, allow_unicode=True), encoding="utf-8")
    return {"templates": len(templates), "policies": count + len(templates)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--insurers", type=int, default=1)
    parser.add_argument("--years", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    counts = make_corpus(args.out, args.insurers, args.years)
    print(f"{counts['policies']} policies from {counts['templates']} templates in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
