"""Problems found in user data, and the exception that carries them.

Every stage reports problems in one shape, ``file:line:column: field.path: message``,
so an editor can jump to the spot. User mistakes are ``InkoopwijzerError``; anything
else is a bug and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .escape import terminal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in one file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"
    source_note: bool = False  # a warning about the insurer's own text: never fails a build

    def __str__(self) -> str:
        """One terminal line: control characters in file names, keys or values are shown
        escaped (``\x1b``), so no message can move the cursor or fake another line."""
        prefix = "warning: " if self.severity == "warning" else ""
        return terminal(f"{self.file}:{self.line}:{self.column}: {self.path}: {prefix}{self.message}")


class InkoopwijzerError(Exception):
    """A mistake in the user's data or command line: printed without traceback, exit 1."""

    def __init__(self, problems: list[Problem] | list[str] | str):
        """``problems``: located problems, one-line messages, or one message whose lines are
        separated by LF (callers escape the user's values in it with ``escape.terminal``)."""
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            message = terminal(problems, keep_newlines=True)
        elif all(isinstance(p, str) for p in problems):
            self.problems = []
            message = "\n".join(terminal(p) for p in problems)
        else:
            self.problems = sorted(problems)  # type: ignore[type-var]
            message = "\n".join(str(p) for p in self.problems)
        super().__init__(message)

    def __reduce__(self):
        """Pickled with its problems (a serve helper process sends it to the server)."""
        return type(self), (self.problems or str(self),)


class DataError(InkoopwijzerError):
    """The policy data is invalid."""


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]
