"""Hostile text for every text field of every data kind: the field x payload matrix.

``text_fields`` finds the text fields from the schema itself (every field whose type
carries the one-line or multi-line text rule), so a field added later is covered without
touching this file. ``poison_tree`` writes a payload into each of them, in every policy,
insurer and registry file of a throw-away tree, and returns where it put what.
"""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml
from pydantic import AfterValidator, BaseModel

from generator import schema as s
from generator import values
from generator.load import display_path, load_file

TEXT_RULES = {values.one_line_text: "one", values.multi_line_text: "multi"}
MARK = "iwx"  # every payload carries MARK<n>; it may reach a page only as text

# Family -> payload templates ({n} is the field's number). Every payload fits ShortText.
FAMILIES: dict[str, list[str]] = {
    "html": [
        '<script>alert("{m}")</script>',
        'x</title><script>alert("{m}")</script>',
        '"><img src=x onerror=alert("{m}")>',
        "' onmouseover='alert(\"{m}\")' x='",
        '<svg onload=alert("{m}")>',
        '<a href="javascript:alert(\'{m}\')">klik {m}</a>',
        '</textarea><iframe src="https://evil.example/{m}"></iframe>',
        '<style>body{{display:none}}</style>{m}',
        '<div markdown="1">*{m}*</div>',
        '&lt;script&gt;alert("{m}")&lt;/script&gt;',
    ],
    "markdown": [
        '[klik {m}](javascript:alert("{m}"))',
        "![plaatje](https://evil.example/{m}.png)",
        "<https://evil.example/{m}>",
        'tekst {m} {{: onclick="alert(1)" style="position:fixed;inset:0" }}',
        "kop {m} {{#{m} .{m}}}",
        "[a][{m}] [{m}]: javascript:alert(1)",
        "[d {m}](data:text/html,<script>alert(1)</script>)",
        "**{m}** _x_ `code` | pijp | \\ backslash",
        '!!! danger "{m}"',
        "# {m}",
        "- {m}",
        "1. {m}",
        "> {m}",
        "*[{m}]: afkorting",
        "{m}\\",
        "<!-- {m} -->",
    ],
    "formula": [
        '=HYPERLINK("https://evil.example/{m}","klik")',
        "+{m}",
        "-1+{m}",
        "@SUM({m})",
        "\uff1d{m}",
    ],
    "quotes": ["Zzp'er & \"co\" <b>{m}</b> &amp; &#39;"],
    "long": ["LONG"],  # filled to the field's maximum length
    "multiline": ["MULTI"],  # LF inside and at the end of multi-line text
}
# Control characters and line breaks: refused by validation (one-line and multi-line text).
# (U+0085 is absent: YAML itself reads it as a line break and folds it into a space.)
CONTROL_PAYLOADS = ["a\rb {m}", "a\x00b {m}", "\x1b[2J{m}", "a\u2028b {m}", "a\x07b {m}", "a\tb {m}",
                    "a\x9bb {m}", "a\u202eb {m}"]
ONE_LINE_ONLY = ["{m} einde\n", "a\nb {m}"]


def _rule(annotation: Any, metadata: tuple = ()) -> tuple[str, bool] | None:
    """('one'|'multi', is_list) when the type is a text type (or a list/optional of one)."""
    for m in metadata:
        if isinstance(m, AfterValidator) and m.func in TEXT_RULES:
            return TEXT_RULES[m.func], False
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        return _rule(args[0], tuple(args[1:]))
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _rule(members[0]) if len(members) == 1 else None
    if origin is list:
        inner = _rule(typing.get_args(annotation)[0])
        return (inner[0], True) if inner and not inner[1] else None
    return None


def _models(annotation: Any) -> list[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated or origin is list:
        return _models(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _models(a)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _kind_of(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("kind")
    return typing.get_args(field.annotation)[0] if field is not None and typing.get_args(field.annotation) else None


def _owner(model: type[BaseModel], name: str) -> str:
    """The class that declares a field (criteria inherit ``label`` from one base)."""
    for klass in reversed(model.__mro__):
        if name in getattr(klass, "__annotations__", {}):
            return klass.__name__
    return model.__name__


def text_fields(root: type[BaseModel]) -> set[tuple[str, str]]:
    """(model, field) of every text field reachable from ``root``."""
    found: set[tuple[str, str]] = set()
    seen: set[type] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            if _rule(field.annotation, tuple(field.metadata)) and (_owner(model, name), name) not in NOT_FREE_TEXT:
                found.add((_owner(model, name), name))
            todo.extend(_models(field.annotation))
    return found


def all_text_fields() -> set[tuple[str, str]]:
    roots = [s.Policy, s.Insurer, *s.REGISTRIES.values()]
    return set().union(*(text_fields(r) for r in roots))


@dataclass(frozen=True)
class Placed:
    file: str       # relative to the policies folder
    path: str       # dotted path as validation messages show it
    value: str
    marker: str


# Absent optional fields that are left absent: a criterion's label replaces its generated
# wording (which carries fact labels, register names and the quantile reference).
KEEP_ABSENT = {("_CriterionBase", "label"), ("Fact", "absent"), ("OpenQuestion", "answer")}
# Text-typed fields that validation constrains further (a source's file is a plain file name).
NOT_FREE_TEXT = {("SourceDocument", "file")}


def _fill(data: dict, model: type[BaseModel], path: tuple, make: Callable[[str, tuple, str, str], str],
          touched: set[tuple[str, str]]) -> None:
    for name, field in model.model_fields.items():
        key = field.alias or name
        rule = _rule(field.annotation, tuple(field.metadata))
        if rule and (_owner(model, name), name) in NOT_FREE_TEXT:
            continue
        if rule:
            kind, is_list = rule
            if key not in data and (_owner(model, name), name) in KEEP_ABSENT:
                continue
            fpath = path + ((key, 0) if is_list else (key,))
            value = make(kind, fpath, model.__name__, name)
            data[key] = [value] if is_list else value
            touched.add((_owner(model, name), name))
            continue
        sub = data.get(key)
        models = _models(field.annotation)
        if sub is None or not models:
            continue
        items = list(enumerate(sub)) if isinstance(sub, list) else [(None, sub)]
        for i, item in items:
            if not isinstance(item, dict):
                continue
            pick = models[0] if len(models) == 1 else next(
                (m for m in models if _kind_of(m) == item.get("kind")), None)
            if pick is not None:
                _fill(item, pick, path + ((key, i) if i is not None else (key,)), make, touched)


def poison_tree(policies: Path, make: Callable[[str, str, str, str, str], str]
                ) -> tuple[list[Placed], set[tuple[str, str]]]:
    """Write ``make(kind, file, path, model, field)`` into every text field of the tree."""
    placed: list[Placed] = []
    touched: set[tuple[str, str]] = set()
    files: list[tuple[Path, type[BaseModel], bool]] = []
    for path in sorted(policies.rglob("*.yaml")):
        rel = path.relative_to(policies)
        if rel.parts[0] == "registry":
            kind = rel.parts[1].removesuffix(".yaml")
            files.append((path, s.REGISTRIES[kind], True))
        elif path.name == "index.yaml":
            files.append((path, s.Insurer, False))
        else:
            files.append((path, s.Policy, False))
    for path, model, is_list in files:
        rel = str(path.relative_to(policies))
        data = load_file(path).data

        def maker(kind: str, fpath: tuple, model_name: str, field_name: str) -> str:
            value, marker = make(kind, rel, display_path(fpath), model_name, field_name)
            placed.append(Placed(rel, display_path(fpath), value, marker))
            return value

        if is_list:
            for i, item in enumerate(data):
                _fill(item, model, (i,), maker, touched)
        else:
            _fill(data, model, (), maker, touched)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6),
                        encoding="utf-8")
    return placed, touched


def family_maker(family: str) -> Callable[[str, str, str, str, str], tuple[str, str]]:
    """Payloads of one family, rotated over the fields; each carries its own marker."""
    counter = iter(range(10**9))
    templates = FAMILIES[family]

    def make(kind: str, file: str, path: str, model: str, field: str) -> tuple[str, str]:
        n = next(counter)
        marker = f"{MARK}{n}"
        template = templates[n % len(templates)]
        limit = 4000 if kind == "multi" else 300
        if template == "LONG":
            value = (f"{marker} " + "lange tekst met een ' en & en < " * 200)[:limit]
        elif template == "MULTI":
            value = f"regel een {marker}\nregel twee <b>x</b>\n" if kind == "multi" else f"{marker} kort"
        else:
            value = template.replace("{m}", marker).replace("{{", "{").replace("}}", "}")
        return value, marker

    return make
