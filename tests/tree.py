"""Build throw-away policies trees for tests: the real registries plus a test insurer."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE_TREE = REPO / "tests" / "fixtures" / "tree"


def make_tree(dest: Path, *, with_real_policies: bool = False) -> Path:
    """Create ``dest/policies`` with the real registries, insurers and the fixture insurer.

    With ``with_real_policies`` the real policy files come along too.
    """
    policies = dest / "policies"
    if with_real_policies:
        shutil.copytree(REPO / "policies", policies)
    else:
        shutil.copytree(REPO / "policies" / "registry", policies / "registry")
        for index in (REPO / "policies").glob("*/index.yaml"):
            (policies / index.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(index, policies / index.parent.name / "index.yaml")
    shutil.copytree(FIXTURE_TREE, policies, dirs_exist_ok=True)
    return policies


def make_project(dest: Path, *, with_real_policies: bool = False) -> Path:
    """A buildable project in ``dest``: mkdocs.yml, content/, site_overrides/ and policies/."""
    for folder in ("content", "site_overrides"):
        shutil.copytree(REPO / folder, dest / folder)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    hook = (REPO / "generator" / "mkdocs_hooks.py").as_posix()
    config = config.replace("  - generator/mkdocs_hooks.py", f"  - {hook}")
    config = config.replace("watch:\n  - policies\n  - generator\n", "")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    make_tree(dest, with_real_policies=with_real_policies)
    return dest / "mkdocs.yml"
