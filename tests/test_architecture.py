"""The core stays platform-neutral: bot/ imports no Slack, Teams or aiohttp.web module."""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "microsoft_agents", "aiohttp.web", "aiohttp")
# The composition root (CLI) may reach the adapters, lazily, inside functions.
COMPOSITION_ROOT = {"cli.py"}


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every import in the file."""
    tree = ast.parse(path.read_text())
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top_level))
            found += [(f"{node.module}.{alias.name}", id(node) in top_level) for alias in node.names]
    return found


def test_core_imports_no_platform_or_web_module():
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        for module, _ in imports_of(path):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_core_reaches_adapters_only_from_the_composition_root():
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        for module, top_level in imports_of(path):
            if module.startswith("handlers") and (path.name not in COMPOSITION_ROOT or top_level):
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from aiohttp import web\nimport slack_sdk\n")
    assert ("aiohttp.web", True) in imports_of(sample) and ("slack_sdk", True) in imports_of(sample)
