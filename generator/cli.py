"""Command line: ``inkoopwijzer validate|build|serve|check|coverage|schema``.

User mistakes print located messages and exit 1 without a traceback; bugs keep theirs.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import InkoopwijzerError, Problem
from .escape import terminal
from .outdir import Interrupted

DEFAULT_POLICIES = Path("policies")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _resolve_root(paths: list[Path]) -> tuple[Path, str]:
    from .validate import find_root

    start = paths[0] if paths else DEFAULT_POLICIES
    if not start.exists():
        raise InkoopwijzerError(f"{terminal(start)}: no such file or folder")
    root = find_root(start)
    if root is None:
        raise InkoopwijzerError(f"{terminal(start)}: not inside a policies folder (no registry/ folder found)")
    try:
        display = os.path.relpath(root)
    except ValueError:
        display = str(root)
    return root, display


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import load_catalog

    paths = [Path(p) for p in args.paths]
    root, display = _resolve_root(paths)
    catalog, problems = load_catalog(root, display)
    if paths and not any(p.resolve() == root for p in paths):
        wanted = [str(Path(display) / p.resolve().relative_to(root)) for p in paths]
        problems = [pr for pr in problems
                    if any(pr.file == w or pr.file.startswith(w.rstrip("/") + "/") for w in wanted)
                    or "/registry/" in pr.file]
    problems = sorted(problems + _source_files(catalog, root, display))
    _print_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    own_warnings = [p for p in warnings if not p.source_note]
    if errors or (args.strict and own_warnings):
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
        return 1
    n = len(catalog.policies) if catalog else 0
    print(f"ok: {n} policies, {len(warnings)} warning(s)", file=sys.stderr)
    return 0


def _source_files(catalog, root: Path, display: str) -> list[Problem]:
    """Each registry source's text file must exist in the sources folder, when there is one."""
    from .coverage import sources_dir

    if catalog is None:
        return []
    folder = sources_dir(root)
    if not folder.is_dir():
        print(f"note: no sources folder at {terminal(folder)}; source files not checked "
              "(set INKOOPWIJZER_SOURCES to the folder of extracted source texts)", file=sys.stderr)
        return []
    return [Problem(f"{display}/registry/sources.yaml", 1, 1, f"sources.{sid}",
                    f"source file {src.file!r} not found in {folder}")
            for sid, src in sorted(catalog.sources.items()) if not (folder / src.file).is_file()]


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import check, sources_dir
    from .validate import load_catalog

    root, display = _resolve_root([Path(args.policies)])
    catalog, problems = load_catalog(root, display)
    if catalog is None:
        _print_problems([p for p in problems if p.severity == "error"])
        return 1
    folder = Path(args.sources) if args.sources else sources_dir(root)
    if not folder.is_dir():
        raise InkoopwijzerError(f"{terminal(folder)}: no sources folder (give --sources DIR or set "
                                "INKOOPWIJZER_SOURCES to the folder of extracted source texts)")
    only = None
    if args.policy:
        only = set()
        for name in args.policy:
            key = name.removesuffix(".yaml")
            key = key.split("policies/", 1)[-1] if "policies/" in key else key
            if key not in catalog.policies:
                raise InkoopwijzerError(f"{terminal(name)}: unknown policy; known: {', '.join(sorted(catalog.policies))}")
            only.add(key)
    found = check(catalog, root, display, folder, only)
    _print_problems(found)
    count = len(only) if only is not None else len(catalog.policies)
    if found:
        print(f"{len(found)} problem(s) in {count} policies", file=sys.stderr)
        return 1
    print(f"ok: {count} policies account for every date and number in their sources", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_site

    result = build_site(Path(args.config), Path(args.out) if args.out else None)
    own = [p for p in result.warnings if not p.source_note]
    _print_problems(own)
    notes = len(result.warnings) - len(own)
    if notes:
        print(f"{notes} source note(s) about the insurers' own texts; 'inkoopwijzer validate' lists them",
              file=sys.stderr)
    print(f"built {result.pages} pages into {terminal(result.out_dir)}", file=sys.stderr)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .build import generate_tree

    update, warnings = generate_tree(Path(args.config), Path(args.out))
    _print_problems([p for p in warnings if not p.source_note])
    print(f"docs tree in {terminal(args.out)}: {len(update.written)} file(s) written, "
          f"{len(update.removed)} removed, {update.unchanged} unchanged", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve_site

    serve_site(Path(args.config), args.dev_addr, frozenset(args.insurer) if args.insurer else None)
    return 0


MAX_PROFILE_BYTES = 1_000_000


def _load_profile(path: Path) -> object:
    """A profile file in YAML or JSON, read with the same strict loaders as the browser
    (JSON: ``engine.profile.parse_profile_json``) and as policy data (YAML). Only a regular
    file is read, never more than 1 MB of it."""
    from .engine import ProfileError
    from .engine.profile import parse_profile_json
    from .load import LoadError, UnreadableFile, load_text, read_regular_file

    shown = terminal(path)
    try:
        raw = read_regular_file(path, MAX_PROFILE_BYTES)
    except UnreadableFile as exc:
        raise InkoopwijzerError(f"{shown}: cannot read profile: it {terminal(exc)}") from None
    except OSError as exc:
        raise InkoopwijzerError(f"{shown}: cannot read profile: {exc.strerror}") from None
    if path.suffix == ".json":
        try:
            return parse_profile_json(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InkoopwijzerError(f"{shown}: invalid JSON: not UTF-8 (byte 0x{raw[exc.start]:02x})") from None
        except ProfileError as exc:
            raise InkoopwijzerError([f"{path}: {p}" for p in exc.problems]) from None
    try:
        return load_text(raw, str(path)).data
    except LoadError as exc:
        raise InkoopwijzerError(str(exc.problem)) from None


def cmd_check(args: argparse.Namespace) -> int:
    from .bundle import engine_bundle
    from .engine import ProfileError, evaluate
    from .report import text_report
    from .validate import load_catalog

    root, display = _resolve_root([Path(args.policies)])
    catalog, problems = load_catalog(root, display)
    if catalog is None:
        _print_problems([p for p in problems if p.severity == "error"])
        return 1
    bundle = engine_bundle(catalog)
    for name, known in (("insurer", catalog.insurers), ("care-type", catalog.care_types)):
        for value in getattr(args, name.replace("-", "_")) or []:
            if value not in known:
                raise InkoopwijzerError(f"--{name} {terminal(value)}: unknown; known: {', '.join(sorted(known))}")
    profile = _load_profile(Path(args.profile))
    try:
        answer = evaluate(bundle, profile, args.insurer or None, args.care_type or None, args.year)
    except ProfileError as exc:
        raise InkoopwijzerError([f"{args.profile}: {p}" for p in exc.problems]) from None
    if args.format == "json":
        print(answer_json(answer))
    else:
        print(terminal(text_report(answer), keep_newlines=True))
    return 0


def answer_json(answer: dict) -> str:
    """The engine's answer as ``check --format json`` prints it (stable key order)."""
    from .escape import json_text

    return json_text(answer, ensure_ascii=False, indent=2, sort_keys=True)


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema_export import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inkoopwijzer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check policy data and print located problems")
    p.add_argument("paths", nargs="*", help="policies folder or files (default: ./policies)")
    p.add_argument("--strict", action="store_true", help="fail on warnings about our own data")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate, then build the static site")
    p.add_argument("--out", help="output folder (default: site_dir from mkdocs.yml)")
    p.add_argument("--config", default="mkdocs.yml")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("generate", help="validate, then write the complete docs tree for a site builder")
    p.add_argument("--out", required=True, help="folder for the docs tree (updated in place)")
    p.add_argument("--config", default="mkdocs.yml")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("serve", help="build and serve the site with live reload")
    p.add_argument("--config", default="mkdocs.yml")
    p.add_argument("--dev-addr", default="127.0.0.1:8000")
    p.add_argument("--insurer", action="append", metavar="ID",
                   help="a preview with this insurer's policies only (repeatable): fast reloads at any data size")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("check", help="which contracts and tiers a practice profile qualifies for")
    p.add_argument("--profile", required=True, help="practice profile (YAML or JSON): fact -> value")
    p.add_argument("--insurer", action="append", help="limit to an insurer id (repeatable)")
    p.add_argument("--care-type", action="append", help="limit to a care type id (repeatable)")
    p.add_argument("--year", type=int, help="contract year (default: each insurer's newest policy)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--policies", default=str(DEFAULT_POLICIES), help="policies folder")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("coverage", help="dates and numbers in the source texts that no policy accounts for")
    p.add_argument("policy", nargs="*", help="policy keys (vgz/paramedische-zorg-2024) or files; default: all")
    p.add_argument("--policies", default=str(DEFAULT_POLICIES), help="policies folder")
    p.add_argument("--sources", help="folder of extracted source texts (default: INKOOPWIJZER_SOURCES, "
                                     "else ../shared/sources beside the project)")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("schema", help="write the JSON Schemas of the data model")
    p.add_argument("--out", default="schema")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except InkoopwijzerError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Interrupted as exc:  # SIGTERM/SIGHUP during a build: cleaned up, old site kept
        print(f"interrupted (signal {exc.signum}); the earlier site, if any, is unchanged", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
