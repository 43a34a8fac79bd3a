"""Stage 1: read YAML files strictly, remembering where every value came from.

The loader is deliberately stricter than plain PyYAML:

* duplicate keys are an error (PyYAML silently keeps the last one);
* dates stay text until the schema validates them, so ``2023-02-30`` gets a clear
  message instead of a constructor traceback;
* anchors/aliases are refused (they make "billion laughs" files possible and are
  never needed in policy data);
* files must be UTF-8, non-empty, not huge and not absurdly deep;
* only the default tags are allowed: ``!!python/object/apply:...`` and friends are refused
  with their location, never silently dropped;
* integers stay within what JSON readers hold exactly (2^53), so a 5,000-digit number is
  a located error rather than a traceback;
* only regular files are read (never a FIFO or a device, never more than the size cap),
  and a symbolic link may not lead out of the policies folder.

Each document comes back as plain Python data plus a table of source positions keyed
by the path of each node, which the validator uses to locate its messages.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.constructor
import yaml.reader
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_INTEGER = 2**53 - 1  # JavaScript's largest exact integer: the browser checker reads this data

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_STR = f"{_YAML}str"
_NODE_TAGS = {MappingNode: {f"{_YAML}map"}, SequenceNode: {f"{_YAML}seq"}}

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """The data of one YAML file and the (line, column) of each node, both 1-based."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(repr=False)

    def mark(self, path: PathKey) -> tuple[int, int]:
        """Position of the deepest node on ``path`` that exists in the file."""
        for end in range(len(path), -1, -1):
            found = self.marks.get(tuple(path[:end]))
            if found:
                return found
        return (1, 1)

    def key_mark(self, path: PathKey) -> tuple[int, int]:
        """Position of the key of a mapping entry (falls back to its value)."""
        return self.marks.get(("<key>",) + tuple(path)) or self.mark(path)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and keeps timestamps as strings."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in policy data", event.start_mark
            )
        return Composer.compose_node(self, parent, index)


# Keep dates as text: drop the implicit timestamp resolver. Booleans are only true/false
# (as in YAML 1.2): YAML 1.1 also reads yes/no/on/off as booleans, so `bound: on` or a
# Dutch "no" would silently turn into true/false.
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NO_TIMESTAMPS = {
    first: [(tag, _BOOL_12 if tag == "tag:yaml.org,2002:bool" else regexp) for tag, regexp in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "yYnNoO":  # yes/no/on/off no longer start a boolean
    _NO_TIMESTAMPS[_first] = [(t, r) for t, r in _NO_TIMESTAMPS.get(_first, []) if t != "tag:yaml.org,2002:bool"]
_StrictLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS

if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        """libyaml's parser with the same resolvers; aliases are caught while converting.

        Parsing is ~10x faster than pure Python, which matters at a few hundred policies.
        Files that libyaml rejects are parsed again by the pure-Python loader for its
        (better located) message.
        """

    _FastLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS
else:  # pragma: no cover - PyYAML wheels ship libyaml
    _FastLoader = None


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def display_path(path: PathKey) -> str:
    """Dotted field path as shown in messages: ``contracts[0].tiers[1].name``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


def _offset_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def _codepoint(character: int | str) -> str:
    return f"U+{character if isinstance(character, int) else ord(character):04X}"


def load_text(raw: bytes, file: str) -> Document:
    """Parse one file's bytes into a Document, raising LoadError with a location."""

    def fail(line: int, column: int, message: str, path: str = "(document)") -> LoadError:
        return LoadError(Problem(file, line, column, path, message))

    if len(raw) > MAX_FILE_BYTES:
        raise fail(1, 1, f"file is too large ({len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _offset_position(raw, exc.start)
        raise fail(line, column, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise fail(1, 1, "file is empty")

    node = _fast_compose(text)
    if node is None:
        node = _slow_compose(text, fail)
    if node is None:
        raise fail(1, 1, "file is empty")
    return _to_document(node, file, fail)


def _fast_compose(text: str) -> Node | None:
    """Compose with libyaml; None when unavailable or when it reports any problem."""
    if _FastLoader is None:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    if node is None or _has_alias_or_depth_issue(node):
        return None  # let the strict loader produce the located message
    return node


def _has_alias_or_depth_issue(root: Node) -> bool:
    """True when a node is reached twice (an alias) or nesting exceeds the limit."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH or id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                if not isinstance(key, ScalarNode):
                    return True
                stack.append((value, depth + 1))
    return False


def _slow_compose(text: str, fail) -> Node | None:
    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        line, column = _offset_position(text.encode("utf-8"), len(text[: exc.position].encode("utf-8")))
        raise fail(line, column, f"file contains a character YAML does not allow ({_codepoint(exc.character)})") from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise fail(line, column, f"YAML syntax error: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line, column = _offset_position(text.encode("utf-8"), len(text[: exc.position].encode("utf-8")))
        raise fail(line, column, f"file contains a character YAML does not allow ({_codepoint(exc.character)})") from None
    except yaml.YAMLError as exc:
        raise fail(1, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise fail(1, 1, f"nesting is too deep (more than {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()
    return node


def _to_document(node: Node, file: str, fail) -> Document:
    converter = _Converter(fail)
    try:
        data = converter.convert(node, ())
    except RecursionError:
        raise fail(1, 1, f"nesting is too deep (more than {MAX_DEPTH} levels)") from None
    return Document(file=file, data=data, marks=converter.marks)


class _Converter:
    """Composed YAML nodes to plain data, remembering where each value stood.

    A class, not a nested function calling itself: such a function is a reference cycle
    (through its own closure) that holds the constructor and every node it built, which only
    the cycle collector frees, and its full passes over a large catalog made loading grow
    faster than the data (31.7 s instead of 9.2 s for 1,966 files).
    """

    def __init__(self, fail):
        self.fail = fail
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, n: Node, path: PathKey) -> Any:
        fail, marks, convert = self.fail, self.marks, self.convert
        if len(path) > MAX_DEPTH:
            raise fail(n.start_mark.line + 1, n.start_mark.column + 1,
                       f"nesting is too deep (more than {MAX_DEPTH} levels)",
                       display_path(path[:6]) + "...")
        marks[path] = (n.start_mark.line + 1, n.start_mark.column + 1)
        allowed = _SCALAR_TAGS if isinstance(n, ScalarNode) else _NODE_TAGS.get(type(n), set())
        if n.tag not in allowed:
            shown = "!!" + n.tag[len(_YAML):] if n.tag.startswith(_YAML) else n.tag
            raise fail(*marks[path], f"YAML tag '{shown}' is not allowed in policy data", display_path(path))
        if isinstance(n, ScalarNode):
            if n.tag == "tag:yaml.org,2002:timestamp" or n.tag == _STR:
                return n.value  # what the constructor would return, without its bookkeeping
            try:
                value = self.constructor.construct_object(n, deep=True)
            except yaml.YAMLError as exc:
                raise fail(*marks[path], f"invalid value: {exc}", display_path(path)) from None
            except ValueError:  # int() refuses more than 4,300 digits
                raise fail(*marks[path], "number is too large", display_path(path)) from None
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
                raise fail(*marks[path], f"number is too large (more than {len(str(MAX_INTEGER))} digits)",
                           display_path(path))
            return value
        if isinstance(n, SequenceNode):
            return [convert(item, path + (i,)) for i, item in enumerate(n.value)]
        if isinstance(n, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, ScalarNode):
                    raise fail(key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                               "mapping keys must be plain text", display_path(path))
                key = key_node.value
                if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                    raise fail(key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                               "merge keys (<<) are not allowed in policy data", display_path(path))
                if key in result:
                    first = marks[("<key>",) + path + (key,)]
                    raise fail(key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                               f"duplicate key '{key}' (first defined on line {first[0]})",
                               display_path(path + (key,)))
                marks[("<key>",) + path + (key,)] = (
                    key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = convert(value_node, path + (key,))
            return result
        raise fail(1, 1, f"unsupported YAML node {n.tag}")  # pragma: no cover


class UnreadableFile(Exception):
    """A file that is not a regular file, too large, or a link out of its folder."""


def read_regular_file(path: Path, limit: int, within: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A FIFO, a device (``/dev/zero``) or a folder is refused without blocking or reading it;
    with ``within``, so is a file whose real path (symbolic links followed) lies outside
    that folder. Raises ``UnreadableFile`` or ``OSError``.
    """
    import os
    import stat

    if within is not None:
        real = path.resolve()
        if not real.is_relative_to(within.resolve()):
            raise UnreadableFile(f"is a link to {real}, outside {within}; refusing to read it")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO never waits for a writer
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode)
                    else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise UnreadableFile(f"is {kind}, not a regular file; refusing to read it")
        if info.st_size > limit:
            raise UnreadableFile(f"is too large ({info.st_size:,} bytes; the limit is {limit:,})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"is too large (more than {limit:,} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)


_parsed: dict[str, tuple[bytes, Document]] | None = None


def remember_parsed_files() -> None:
    """From now on keep each parsed file in memory with the digest of its bytes, so that a
    long-running process (``serve``) parses again only the files whose bytes changed."""
    global _parsed
    if _parsed is None:
        _parsed = {}


def forget_parsed_files() -> None:
    """Back to parsing every file each time (the end of a ``serve`` session)."""
    global _parsed
    _parsed = None


def parsed_digest(display: str) -> bytes | None:
    """The digest of a remembered file's bytes, by its display name (None: not remembered)."""
    known = _parsed.get(display) if _parsed is not None else None
    return known[0] if known is not None else None


def load_file(path: Path, display: str | None = None, *, within: Path | None = None) -> Document:
    """Read and parse one YAML file; errors name ``display`` (default: the path).

    ``within``: refuse a file whose real path lies outside this folder (a symbolic link
    out of the policies folder).
    """
    name = display or str(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES, within)
    except UnreadableFile as exc:
        raise LoadError(Problem(name, 1, 1, "(document)", f"file {exc}")) from None
    except OSError as exc:
        raise LoadError(Problem(name, 1, 1, "(document)", f"cannot read file: {exc.strerror}")) from None
    if _parsed is None:
        return load_text(raw, name)
    digest = hashlib.blake2b(raw, digest_size=16).digest()
    known = _parsed.get(name)
    if known is not None and known[0] == digest:
        return known[1]
    doc = load_text(raw, name)
    _parsed[name] = (digest, doc)
    return doc
