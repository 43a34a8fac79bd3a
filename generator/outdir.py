"""The output folder: the one place a build deletes things.

``build --out DIR`` replaces DIR with the new site, so DIR is checked first
(``check_target``): never the project, its ``policies/``, ``content/``, ``site_overrides/``
or ``mkdocs.yml`` (nor a folder holding or inside one of them), never a file, and never a
non-empty folder unless an earlier build marked it as an Inkoopwijzer site (``MARKER``).

``site_writer`` then gives the builder a fresh sibling folder and swaps it in:

* a lock (``flock`` on the parent folder) is held for the whole build, so two builds of
  the same folder run one after the other instead of failing;
* leftovers of killed builds (``.site.building-*``, ``.site.old-*``) are removed first;
* the swap is one atomic ``renameat2(RENAME_EXCHANGE)`` where the system has it (else two
  renames with signals blocked in between): at every moment the folder holds the old site
  or the new one, complete;
* SIGTERM (a CI cancel) and SIGHUP interrupt the build like Ctrl+C does: the staging
  folder is removed and the old site stays;
* the site is created with the user's umask (a web server running as another user can
  read it), not ``mkdtemp``'s 0700;
* a full disk, a read-only folder or a missing permission is one clear line, no traceback.
"""
from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import InkoopwijzerError
from .escape import terminal

MARKER = ".inkoopwijzer-site"
MARKER_TEXT = ("This folder is a site built by Inkoopwijzer (inkoopwijzer build).\n"
               "The next build replaces the whole folder.\n")
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a build (like KeyboardInterrupt for SIGINT)."""

    def __init__(self, signum: int):
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


def absolute(path: Path) -> Path:
    """``path`` made absolute with symbolic links resolved (``--out link`` acts on its target)."""
    return Path(os.path.abspath(path)).resolve()


def _refuse(target: Path, why: str) -> InkoopwijzerError:
    return InkoopwijzerError(f"--out {terminal(target)}: refusing to build there: {why}")


def check_target(target: Path, project: Path, protected: list[Path], marker: str = MARKER,
                 what: str = "Inkoopwijzer site") -> None:
    """Refuse an output folder a build must not replace (see the module docstring);
    ``marker`` is the file an earlier output of the same kind left (a site, a docs tree)."""
    if target == project:
        raise _refuse(target, "that is the project folder")
    if project.is_relative_to(target):
        raise _refuse(target, f"it holds the project ({terminal(project)})")
    for path in protected:
        name = terminal(path.relative_to(project) if path.is_relative_to(project) else path)
        name += "/ folder" if path.is_dir() else " file"
        if target == path:
            raise _refuse(target, f"that is the project's {name}")
        if path.is_relative_to(target):
            raise _refuse(target, f"it holds the project's {name}")
        if target.is_relative_to(path):
            raise _refuse(target, f"it lies inside the project's {name}")
    for parent in reversed(target.parents):
        if parent.exists() and not parent.is_dir():
            raise _refuse(target, f"{terminal(parent)} is a file, not a folder")
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise _refuse(target, "that is a file, not a folder")
    try:
        entries = [p.name for p in target.iterdir()]
    except OSError as exc:
        raise _refuse(target, f"cannot read it: {exc.strerror}") from None
    if entries and marker not in entries:
        raise _refuse(target, f"it holds {len(entries)} file(s) but no earlier {what} "
                              f"(no {marker} file); empty it or choose another folder")


@contextmanager
def site_writer(target: Path) -> Iterator[Path]:
    """A fresh folder to build into, swapped in for ``target`` when the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _disk_error(target, exc) from None
    staging = None
    with _lock(target.parent, target), _signals_interrupt():
        try:
            _remove_leftovers(target)
            staging = target.with_name(f".{target.name}.building-{os.getpid()}-{secrets.token_hex(4)}")
            staging.mkdir()  # mode 0o777 minus the umask, unlike mkdtemp's 0700
            yield staging
            (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            _swap_in(staging, target)
        except OSError as exc:
            raise _disk_error(target, exc) from None
        finally:
            if staging is not None:
                with _blocked_signals():  # a signal now waits until nothing is left behind
                    _remove(staging)  # the failed build, or the old site after a swap


def _disk_error(target: Path, exc: OSError) -> InkoopwijzerError:
    where = terminal(exc.filename) if exc.filename else terminal(target)
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (the disk is full)"
    return InkoopwijzerError(f"cannot write the site to {terminal(target)}: {where}: {reason}; "
                             "the earlier site, if any, is unchanged")


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if path.exists() or path.is_symlink():  # a file, or a tree rmtree could not finish
        try:
            path.unlink()
        except OSError:
            pass


def _remove_leftovers(target: Path) -> None:
    """Staging and old folders of builds that were killed (we hold the lock: none is live)."""
    for prefix in (f".{target.name}.building-", f".{target.name}.old-"):
        for path in target.parent.glob(prefix + "*"):
            _remove(path)


@contextmanager
def _lock(folder: Path, target: Path) -> Iterator[None]:
    """Exclusive lock on the output's parent folder for the whole build (no lock file is
    left behind; the kernel releases the lock when a killed build's process ends)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise _disk_error(target, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {terminal(target)} to finish", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Interrupted`` for the duration of the build."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _blocked_signals():
    """Block interrupting signals while the site changes hands (delivered right after)."""
    if not hasattr(signal, "pthread_sigmask"):
        return _nothing()
    return _mask({signal.SIGINT, *_SIGNALS})


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _mask(signals: set[int]) -> Iterator[None]:
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _swap_in(staging: Path, target: Path) -> None:
    """Put the new site at ``target``; the old one (if any) ends up at ``staging``."""
    with _blocked_signals():
        if not (target.exists() or target.is_symlink()):
            os.rename(staging, target)
            return
        if _exchange(staging, target):
            return
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(target, old)
        os.rename(staging, target)
        os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
