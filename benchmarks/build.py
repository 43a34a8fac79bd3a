"""Benchmark the build at 1x, 10x, 100x and 150x the real data: time and peak memory.

    .venv/bin/python benchmarks/build.py [--scales 1 10 100 150] [--serve-scales 1 100]
                                         [--zensical PATH] [--zensical-scales 1 10 100]

For each scale a synthetic corpus is written (benchmarks/corpus.py), then each stage runs in
a fresh process, so peak memory (max RSS) is its own:
  * generation: load + validate + render, written as the docs tree (``inkoopwijzer generate``);
  * full build: generation, ProperDocs building the tree, and the post-build step (``build``);
  * serve reload (``--serve-scales``): a serve session's tree and site are built once, then
    one policy's threshold is edited, and another's title; the figure is the time from the
    edit to the changed pages written in the served folder (tree refresh + dirty rebuild), as
    ``serve`` does it; and the same for ``serve --insurer vgz`` (a preview with one insurer's
    policies);
  * Zensical (``--zensical``, or ``zensical`` on PATH; an experiment): the generated tree
    built by Zensical instead of ProperDocs, then the same post-build step, and what differs
    from the ProperDocs site (files only one of them writes).
Generation renders on every core (``generator.parallel``); ``INKOOPWIJZER_JOBS=1`` in the
environment measures one process. Figures are printed as tables, with the growth factor
against 1x, and what a visitor's browser loads: the home page, the largest page, the search
index (all of Pagefind's files, and the largest shard a query may fetch), the checker's index
and its largest scope (care type and contract year). Memory: the stage's own process and its
largest child (a render worker, serve's helper process, or Pagefind).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import make_corpus  # noqa: E402

STAGE = r"""
import json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
stage, project = sys.argv[1], Path(sys.argv[2])
os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
t0 = time.perf_counter()
if stage == "generate":
    from generator.build import generate_tree
    update, _ = generate_tree(project / "mkdocs.yml", project / "tree")
    extra = {{"files": len(update.written)}}
elif stage == "build":
    from generator.build import build_site
    result = build_site(project / "mkdocs.yml", project / "site")
    sizes = sorted((p.stat().st_size, p.relative_to(project / "site").as_posix())
                   for p in (project / "site").rglob("*.html"))
    extra = {{"pages": result.pages, "largest_kb": sizes[-1][0] / 1024, "largest": sizes[-1][1],
              "home_kb": (project / "site" / "index.html").stat().st_size / 1024,
              "search_mb": sum(p.stat().st_size for p in (project / "site" / "pagefind").rglob("*") if p.is_file()) / 2**20,
              "search_file_kb": max(p.stat().st_size for p in (project / "site" / "pagefind").rglob("*.pf_*")) / 1024,
              "checker_kb": (project / "site" / "checker" / "bundle.json").stat().st_size / 1024,
              "scope_kb": max(p.stat().st_size for p in (project / "site" / "checker" / "scope").glob("*.json")) / 1024,
              "menu_kb": max(p.stat().st_size for p in (project / "site" / "checker" / "menu").glob("*.json")) / 1024}}
else:  # serve: the serve session's own steps, timed from the edit on
    import logging
    from generator.build import _site_builder, load_builder_config
    from generator import serve
    _site_builder()
    from properdocs.commands.build import build
    logging.getLogger("properdocs.commands.build").addFilter(serve._HideDirtyWarning())
    logging.getLogger("properdocs").setLevel(logging.ERROR)
    only = frozenset(sys.argv[3].split(",")) if len(sys.argv) > 3 else None  # serve --insurer
    tree, site = project / f"serve-tree-{{bool(only)}}", project / f"serve-site-{{bool(only)}}"
    live = serve.current = serve.LiveTree(project / "mkdocs.yml", tree, only)
    # with serve's own hook, as serve builds: it refreshes the tree (nothing to do after the
    # refresh timed below), finishes each rendered page and keeps the theme's compiled templates
    config = lambda: load_builder_config(project / "mkdocs.yml", tree, site, strict=False,  # noqa: E731
                                         hooks=[str(serve.HOOK)])

    def rebuild():
        live.refresh("http://127.0.0.1:8000/")
        build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)

    rebuild()  # the session's first build

    def timed_edit(name, old, new):
        # edit one policy, time the rebuild, put the text back (and rebuild, untimed)
        policy = project / "policies" / "vgz" / name
        text = policy.read_text(encoding="utf-8")
        assert old in text, (name, old)
        policy.write_text(text.replace(old, new, 1), encoding="utf-8")
        try:
            t0 = time.perf_counter()
            update = live.refresh("http://127.0.0.1:8000/")
            t_tree = time.perf_counter() - t0
            build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
            seconds = time.perf_counter() - t0
        finally:
            policy.write_text(text, encoding="utf-8")
        rebuild()
        return {{"seconds": seconds, "tree_seconds": t_tree, "rewritten": len(update.written)}}

    # a title (shown in lists, the agenda, comparisons) and a threshold (its policy, comparison,
    # year comparison, checker scope and open data): the two edits a contributor makes most
    threshold = timed_edit("wijkverpleging-2024.yaml", "value: 250000", "value: 260000")
    extra = timed_edit("paramedische-zorg-2024.yaml", "title: Inkoopbeleid", "title: Bewerkt inkoopbeleid")
    extra["threshold"] = threshold
    live.close()  # the helper process: reaped, so that its peak counts below
elapsed = extra.pop("seconds") if stage == "serve" else time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# the largest child process: a render worker, serve's helper process, or Pagefind
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(dict(seconds=elapsed, peak_mb=peak, child_mb=child, **extra)))
"""

FINISH = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from generator.finish import finish_site, known_scripts
from generator.search import index_site
site, overrides, templates = map(Path, sys.argv[1:4])
pages = finish_site(site, known_scripts([overrides, templates], ["assets/inkoopwijzer.js", "assets/javascripts/checker.js"]))
index_site(site, Path({repo!r}))
print(json.dumps({{"pages": pages}}))
"""


def run_stage(stage: str, project: Path, *extra: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", STAGE.format(repo=str(REPO)), stage, str(project), *extra],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"{stage} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def zensical_build(zensical: Path, project: Path) -> dict:
    """Zensical on the generated tree (the same mkdocs.yml, docs_dir pointed at the tree),
    then the post-build step with Zensical's own templates; time, pages, differences."""
    import time

    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", "docs_dir: tree").replace("site_dir: site", "site_dir: zsite")
    (project / "zensical.yml").write_text(config, encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    t0 = time.perf_counter()
    proc = subprocess.run([str(zensical), "build", "-f", "zensical.yml"], cwd=project, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout)[-500:]}
    python = zensical.parent / "python"
    templates = subprocess.run([str(python), "-c", "import zensical, pathlib; "
                                "print(pathlib.Path(zensical.__file__).parent / 'templates')"],
                               capture_output=True, text=True).stdout.strip()
    t1 = time.perf_counter()
    fin = subprocess.run([sys.executable, "-c", FINISH.format(repo=str(REPO)), str(project / "zsite"),
                          str(project / "site_overrides"), templates], capture_output=True, text=True)
    finish_seconds = time.perf_counter() - t1
    if fin.returncode != 0:
        return {"seconds": seconds, "error": "post-build step: " + fin.stderr.strip().splitlines()[-1]}
    ours = {p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("*") if p.is_file()}
    theirs = {p.relative_to(project / "zsite").as_posix() for p in (project / "zsite").rglob("*") if p.is_file()}
    html = [p for p in theirs if p.endswith(".html")]
    theme = ("assets/javascripts/bundle.", "assets/javascripts/workers/", "assets/javascripts/lunr/",
             "assets/stylesheets/", "assets/images/", ".inkoopwijzer-site")
    # Pagefind's shards are named by a hash of what they hold: pages that differ give other
    # names, so they are counted apart from the builders' own files
    search = "pagefind/"
    only_ours = sorted(p for p in ours - theirs if not p.startswith((*theme, search)))
    only_theirs = sorted(p for p in theirs - ours if not p.startswith((*theme, search)))
    shards = (sum(1 for p in ours - theirs if p.startswith(search)), sum(1 for p in theirs - ours if p.startswith(search)))
    return {"seconds": seconds, "finish_seconds": finish_seconds, "pages": len(html),
            "only_properdocs": only_ours[:6], "only_properdocs_count": len(only_ours),
            "only_zensical": only_theirs[:6], "only_zensical_count": len(only_theirs), "search_shards": shards}


def find_zensical(given: str | None) -> Path | None:
    found = given or shutil.which("zensical")
    return Path(found) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 150])
    parser.add_argument("--serve-scales", type=int, nargs="*", default=[1, 100])
    parser.add_argument("--zensical", help="the zensical command (default: zensical on PATH, else skipped)")
    parser.add_argument("--zensical-scales", type=int, nargs="*", default=[1, 10, 100, 150])
    args = parser.parse_args()
    zensical = find_zensical(args.zensical)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            project = Path(tmp) / f"x{scale}"
            project.mkdir()
            # scale = clones x year shifts: 10x = 4 clones x 2 years (+ the real data), 100x = 24 x 4
            years = 1 if scale < 10 else 2 if scale < 100 else 4
            insurers = max(0, scale // years - 1)
            counts = make_corpus(project, insurers, years)
            gen = run_stage("generate", project)
            full = run_stage("build", project)
            reload = run_stage("serve", project) if scale in args.serve_scales else None
            if reload:  # the same edit in a serve --insurer vgz preview
                reload["preview"] = run_stage("serve", project, "vgz")
            zen = zensical_build(zensical, project) if zensical and scale in args.zensical_scales else None
            rows.append((scale, counts["policies"], gen, full, reload, zen))
            print(f"{scale}x done: {json.dumps([gen, full, reload, zen])}", file=sys.stderr, flush=True)
            shutil.rmtree(project)
    base_gen, base_full = rows[0][2]["seconds"], rows[0][3]["seconds"]
    print("| scale | policies | pages | generation s | policies/s | generation MB (main / worker) | full build s | "
          "full build MB (main / largest child) | growth gen | growth build | ours/total | home KB | largest page | "
          "search index MB (all shards) | largest search shard KB | checker index KB | largest checker scope KB | "
          "largest checker menu KB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for scale, policies, gen, full, _, _ in rows:
        print(f"| {scale}x | {policies} | {full['pages']} | {gen['seconds']:.2f} | "
              f"{policies / gen['seconds']:.0f} | {gen['peak_mb']:.0f} / {gen['child_mb']:.0f} | "
              f"{full['seconds']:.2f} | {full['peak_mb']:.0f} / {full['child_mb']:.0f} | {gen['seconds'] / base_gen:.1f}x | "
              f"{full['seconds'] / base_full:.1f}x | {gen['seconds'] / full['seconds']:.0%} | "
              f"{full['home_kb']:.0f} | {full['largest_kb']:.0f} KB {full['largest']} | {full['search_mb']:.1f} | "
              f"{full['search_file_kb']:.0f} | "
              f"{full['checker_kb']:.0f} | {full['scope_kb']:.0f} | {full['menu_kb']:.1f} |")
    if any(r[4] for r in rows):
        print("\n| scale | site | edit | reload s (edit -> pages written) | of which tree refresh s | "
              "tree files rewritten | peak MB (server / helper) |")
        print("|---|---|---|---|---|---|---|")
        for scale, _, _, _, reload, _ in rows:
            if reload:
                for site, run in (("whole", reload), ("serve --insurer vgz", reload["preview"])):
                    for edit, r in (("title", run), ("threshold", run["threshold"])):
                        print(f"| {scale}x | {site} | {edit} | {r['seconds']:.2f} | {r['tree_seconds']:.2f} | "
                              f"{r['rewritten']} | {run['peak_mb']:.0f} / {run['child_mb']:.0f} |")
    if zensical:
        print("\n| scale | Zensical build s | ProperDocs: full build minus generation s | post-build step s | "
              "HTML pages | files only ProperDocs writes (theme assets, search shards aside) | files only Zensical "
              "writes | search shards named differently (ProperDocs / Zensical) |")
        print("|---|---|---|---|---|---|---|---|")
        for scale, _, gen, full, _, zen in rows:
            if zen is None:
                continue
            if "error" in zen:
                print(f"| {scale}x | failed: {zen['error']} | | | | | | |")
                continue
            print(f"| {scale}x | {zen['seconds']:.2f} | {full['seconds'] - gen['seconds']:.2f} | "
                  f"{zen['finish_seconds']:.2f} | {zen['pages']} | {zen['only_properdocs_count']} "
                  f"(e.g. {', '.join(zen['only_properdocs'][:3])}) | {zen['only_zensical_count']} "
                  f"(e.g. {', '.join(zen['only_zensical'][:3])}) | {zen['search_shards'][0]} / {zen['search_shards'][1]} |")
    else:
        print("\nZensical: not installed (pip install zensical into a separate virtualenv and pass "
              "--zensical PATH); row skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
