"""Compiled Jinja templates kept for the process.

A ``serve`` session renders with a new Jinja environment at every reload: our page renderer
(its filters read that reload's catalog) and the site builder's theme (ProperDocs makes its
environment per build). The settings of each are the same every time, so the compiled code is
too; keeping it spares compiling every template again (a fifth of a title edit's page
rendering at 100x, and about a third of a second of the theme's). Jinja checks each template's
source checksum, so an edited template is compiled again.
"""
from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, in memory. One instance per kind of environment: the bucket
    key names the template, not the environment's settings."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()
