from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import load_catalog

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalog():
    """The real catalog from policies/; the test run fails loudly if it has errors."""
    cat, problems = load_catalog(REPO / "policies", "policies")
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, "policies/ has errors:\n" + "\n".join(errors)
    return cat
