"""Pieces of a generation kept between the reloads of one ``serve`` session.

Off by default: a build checks and renders everything. ``serve`` switches it on (``remember``)
in its helper process; then a piece of work (one policy's checks, its page, one comparison,
one policy's calendar events) whose inputs have the same digests as at an earlier reload gives
its earlier result instead of being done again. Each call site names every input of its
piece in the key (``cached``): the digest of each policy file it reads (``policy``), of the
registries and insurers (``context``), and any other value it reads, literally. A key that
missed an input would show a stale page in the preview, never on a built site; tests render
after each kind of edit with and without the memo and compare the trees byte for byte.

A reload is a round (``begin_round``/``end_round``): what the round did not use is dropped, so
the memo holds one site's pieces, not every version of them. A piece made of smaller pieces (a
checker scope's first answer, one part per policy) remembers them: when it is reused whole, its
parts count as used too, so that they are still there when a later edit changes the whole.
Pieces rendered in a forked worker travel back to the parent with the worker's files
(``report``/``absorb``).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Hashable, TypeVar

from .load import parsed_digest
from .model import Catalog, PolicyRecord

T = TypeVar("T")

_store: dict[Hashable, Any] | None = None
_used: set[Hashable] = set()
_fresh: dict[Hashable, Any] = {}
_parts: dict[Hashable, frozenset[Hashable]] = {}  # key -> the keys of the pieces it was made of
_making: list[set[Hashable]] = []  # the pieces being made now (innermost last), and their parts so far
_contexts: dict[int, tuple[Catalog, bytes]] = {}
_last_contexts: frozenset[bytes] = frozenset()  # the context digests of the last round


def remember() -> None:
    """From now on keep rendered pieces between generations (a ``serve`` session)."""
    global _store
    if _store is None:
        _store = {}


def forget() -> None:
    """Back to rendering everything (tests)."""
    global _store, _last_contexts
    _store = None
    _last_contexts = frozenset()
    _used.clear()
    _fresh.clear()
    _contexts.clear()
    _parts.clear()
    _making.clear()


def active() -> bool:
    return _store is not None


def begin_round() -> None:
    """A new generation (a load, then rendering) starts: nothing is used yet."""
    _used.clear()
    _fresh.clear()
    _contexts.clear()


def warm(catalog: Catalog) -> bool:
    """Will most pieces of this generation be reused? Yes when the last one kept its pieces
    and had the same registries, insurers and policy files (an edit of the glossary, say,
    changes the context of every piece: then nearly all are rendered again)."""
    return bool(_store) and context(catalog) in _last_contexts


def end_round() -> None:
    """Drop what this generation did not use (an edited policy's old pieces)."""
    global _store, _last_contexts
    if _store is not None:
        _store = {key: value for key, value in _store.items() if key in _used}
    for key in [key for key in _parts if key not in _used]:
        del _parts[key]
    _last_contexts = frozenset(digest for _, digest in _contexts.values())
    _contexts.clear()


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result for the same ``key`` at an earlier generation (``key``
    None: nothing to go by, computed every time)."""
    if _store is None or key is None:
        return compute()
    if _making:
        _making[-1].add(key)
    _use(key)
    try:
        return _store[key]
    except KeyError:
        pass
    _making.append(set())
    try:
        value = compute()
    finally:
        parts = _making.pop()
    _store[key] = _fresh[key] = value
    if parts:
        _parts[key] = frozenset(parts)
    return value


def _use(key: Hashable) -> None:
    """Mark a piece used in this round, and the pieces it was made of (and theirs)."""
    todo = [key]
    while todo:
        key = todo.pop()
        if key not in _used:  # a used piece's parts are marked already
            _used.add(key)
            todo.extend(_parts.get(key, ()))


Report = tuple[dict[Hashable, Any], set[Hashable], dict[Hashable, frozenset[Hashable]]]


def report() -> Report:
    """What this process rendered and used in this round, and what the new pieces were made
    of (a worker sends it to its parent)."""
    return dict(_fresh), set(_used), {key: _parts[key] for key in _fresh if key in _parts}


def absorb(reported: Report) -> None:
    """Take over what a worker rendered and used (``report``)."""
    fresh, used, parts = reported
    if _store is not None:
        _store.update(fresh)
        _fresh.update(fresh)
        _used.update(used)
        _parts.update(parts)


def round_counts() -> tuple[int, int]:
    """(pieces reused, pieces used) in this round, workers' included."""
    return len(_used) - len(_fresh), len(_used)


def policy(rec: PolicyRecord) -> bytes:
    """The digest of a policy's file: a policy record is a function of its file's bytes (and
    its path, which its key holds)."""
    digest = parsed_digest(rec.file)
    if digest is None:  # not read through the parse cache: never reuse anything of it
        raise RuntimeError(f"no digest for {rec.file}: remember_parsed_files() first")
    return digest


def policies(recs: list[PolicyRecord]) -> tuple[tuple[str, bytes], ...]:
    return tuple((rec.key, policy(rec)) for rec in recs)


def lineage(catalog: Catalog, recs: list[PolicyRecord]) -> list[PolicyRecord]:
    """``recs`` and every policy whose contracts they continue, directly or through another
    (a continued contract is judged and shown with the terms of the policy it comes from),
    each once, in key order."""
    found: dict[str, PolicyRecord] = {}
    todo = list(recs)
    while todo:
        rec = todo.pop()
        if rec.key not in found:
            found[rec.key] = rec
            todo.extend(catalog.policies[c.policy] for c in rec.policy.continues if c.policy in catalog.policies)
    return [found[key] for key in sorted(found)]


def with_continued(catalog: Catalog, recs: list[PolicyRecord]) -> tuple[tuple[str, bytes], ...]:
    """Digests of ``recs`` (in their order) and of the policies they continue contracts
    from (``lineage``)."""
    own = {rec.key for rec in recs}
    return policies(recs) + policies([rec for rec in lineage(catalog, recs) if rec.key not in own])


def context(catalog: Catalog) -> bytes:
    """The digest of everything in the catalog that is not a policy: the registries (care
    types, glossary, sources, registers, ...), the insurers and the set of policy keys."""
    known = _contexts.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1]
    data = {"registries": catalog.registry_json,
            "insurers": {k: v.model_dump(mode="json") for k, v in sorted(catalog.insurers.items())},
            "policies": sorted(catalog.policies)}
    digest = hashlib.blake2b(json.dumps(data, sort_keys=True, default=str).encode("utf-8"), digest_size=16).digest()
    _contexts[id(catalog)] = (catalog, digest)
    return digest

