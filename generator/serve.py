"""``inkoopwijzer serve``: the development server, rebuilding what an edit changed.

The docs tree lives in a temporary folder for the session. Before each rebuild the serve
hook (``generator/mkdocs_hooks.py``) asks ``LiveTree.refresh`` to bring it up to date: when
no policy or hand-written page changed since the last time (a rebuild set off by the tree
itself) nothing is loaded; otherwise the data is validated and generated again, doing again
only the pieces whose inputs changed (``generator.memo``: a policy's checks, page, comparison
columns, calendar events...), and only files whose bytes changed are rewritten
(``generator.tree``). ProperDocs then rebuilds
``dirty``: pages whose tree file kept its modification time are not rendered again.

The generation runs in a helper process forked when the session starts, before the server
starts its threads: a process with threads must not fork, a single-threaded one may, so the
helper renders on every core (``generator.parallel``) when most pieces are new (the first
build), and it keeps what one reload can reuse for the next (parsed YAML, validated policies,
rendered pieces, the checker's answers). It does its housekeeping (a full collection of the
frozen objects, ``validate.collect_frozen_garbage``) when no reload came for a while.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from .build import (_log_builder, _policies_dir, _site_builder, data_epoch, hand_written_dir,
                    validated_catalog)
from .errors import InkoopwijzerError
from .escape import terminal
from .load import forget_parsed_files, remember_parsed_files
from .parallel import Helper, can_fork
from . import memo
from .tree import Content, TreeUpdate, docs_tree, write_tree
from .validate import collect_frozen_garbage

HOOK = Path(__file__).with_name("mkdocs_hooks.py")
log = logging.getLogger("mkdocs.plugins.inkoopwijzer")

Fingerprint = tuple[str, tuple[tuple[str, int, int], ...]]


class LiveTree:
    """The docs tree of one serve session, regenerated when its inputs changed."""

    def __init__(self, config_file: Path, tree: Path, only_insurers: frozenset[str] | None = None):
        self.config_file = config_file
        self.tree = tree
        self.only_insurers = only_insurers
        self.inputs = (_policies_dir(config_file), hand_written_dir(config_file))
        self._seen: Fingerprint | None = None
        self._written: dict[str, Content] = {}  # what the last generation wrote (in the helper)
        remember_parsed_files()  # a refresh parses only the YAML files whose bytes changed
        memo.remember()  # ... and renders only the pieces whose inputs changed
        # without a helper (another thread runs already), the generation runs here, in one process
        self._helper = Helper(self._run, idle=collect_frozen_garbage) if can_fork() else None

    def check(self) -> tuple[int, tuple[str, ...]]:
        """Validate the data before serving (clear errors first): the session's build date
        and the insurers in the data. In the helper when there is one, so that the first
        generation reuses what this parsed and validated instead of doing it again."""
        return self._helper.call(LiveTree._check) if self._helper else self._check()

    def fingerprint(self, site_url: str) -> Fingerprint:
        """Every input file's path, size and modification time (cheap: nothing is read)."""
        stats = []
        for folder in self.inputs:
            for root, dirs, names in os.walk(folder):
                dirs.sort()
                for name in sorted(names):
                    st = os.stat(os.path.join(root, name))
                    stats.append((os.path.join(root, name), st.st_size, st.st_mtime_ns))
        return site_url, tuple(stats)

    def refresh(self, site_url: str) -> TreeUpdate | None:
        """Regenerate the tree if an input changed; ``DataError`` when the data is invalid."""
        seen = self.fingerprint(site_url)
        if seen == self._seen:
            return None
        start = time.perf_counter()
        if self._helper:
            update = self._helper.call(LiveTree._generate, site_url)
        else:
            collect_frozen_garbage()  # what the helper does when idle
            update = self._generate(site_url)
        self._seen = seen
        log.info("Generated the docs tree in %.2f seconds: %d file(s) rewritten, %d removed, %d unchanged "
                 "(%d of %d rendered pieces kept from the last reload)", time.perf_counter() - start,
                 len(update.written), len(update.removed), update.unchanged, *update.reused)
        return update

    def _run(self, task: Callable[..., Any], *args: Any) -> Any:
        """The helper's work: ``task``, one of this class's methods, on the helper's copy of this
        session (a function goes through the helper's pipe by its name)."""
        return task(self, *args)

    def _check(self) -> tuple[int, tuple[str, ...]]:
        # not a round of its own: what it validated stays for the first generation, which
        # still counts as cold (``memo.warm``: the pages are yet to be rendered, on every core)
        catalog, _ = validated_catalog(self.config_file, self.only_insurers)
        return data_epoch(catalog), tuple(sorted(catalog.insurers))

    def _generate(self, site_url: str) -> TreeUpdate:
        """Validate, generate and write the tree (in the helper process when there is one)."""
        memo.begin_round()
        catalog, _ = validated_catalog(self.config_file, self.only_insurers)
        files = docs_tree(catalog, hand_written_dir(self.config_file), self.config_file.resolve().parent, site_url)
        update = TreeUpdate(reused=memo.round_counts())
        memo.end_round()
        written, self._written = self._written, {}  # a write that fails halfway is not trusted
        update = write_tree(files, self.tree, written, update)
        self._written = files
        return update

    def close(self) -> None:
        """Stop the helper process; the session's kept pieces and parsed files go with it."""
        if self._helper is not None:
            self._helper.close()
        memo.forget()
        forget_parsed_files()


current: LiveTree | None = None  # the session's tree, for the serve hook


class _HideDirtyWarning(logging.Filter):
    """ProperDocs warns on every dirty build; serve chose it, and says what it rebuilds."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def serve_site(config_file: Path, dev_addr: str, only_insurers: frozenset[str] | None = None) -> None:
    """Validate first (clear errors), then serve with live reload.

    Says where the site is served and when each rebuild starts and ends, so a newcomer
    sees that it works. ``only_insurers``: a preview with these insurers' policies only, so a
    contributor working on one insurer waits for that insurer, not for the whole market.
    """
    global current
    _site_builder()
    from properdocs.commands.serve import serve

    _log_builder(logging.INFO)
    # on the logger itself, so that strict mode does not count the warning either
    logging.getLogger("properdocs.commands.build").addFilter(_HideDirtyWarning())
    with tempfile.TemporaryDirectory(prefix="inkoopwijzer-serve-") as tree:
        current = LiveTree(config_file, Path(tree), only_insurers)  # before the server's threads
        try:
            epoch, insurers = current.check()
            _check_preview(only_insurers, insurers)
            os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))
            serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty",
                  docs_dir=tree, hooks=[str(HOOK)], watch=[str(hand_written_dir(config_file))])
        finally:
            current.close()  # before the tree folder goes
            current = None


def _check_preview(only_insurers: frozenset[str] | None, insurers: tuple[str, ...]) -> None:
    """``--insurer``: every insurer named is in the data; say what a preview leaves out."""
    if only_insurers is None:
        return
    unknown = sorted(only_insurers - set(insurers))
    if unknown:
        raise InkoopwijzerError(f"--insurer: no insurer folder {', '.join(terminal(u) for u in unknown)} in the "
                                f"policies (known: {', '.join(insurers)})")
    log.warning("A preview with the policies of %s only: comparisons, the agenda and the home page show "
                "these insurers alone. Serve without --insurer for the whole site.",
                ", ".join(sorted(only_insurers)))
