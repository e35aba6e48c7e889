"""The layers stay apart: the core is platform-neutral, adapters only translate, storage speaks the domain.

bot/ imports no Slack, Teams or aiohttp.web module and no adapter (the composition root, bot/bootstrap.py
and bot/platform_packages.py, excepted, lazily); handlers/ never import storage/ (they get what they show from the use case, and
conversation references through a port); storage/ imports only the domain model and errors.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "microsoft_agents", "aiohttp.web", "aiohttp")
# The composition root may reach the adapters, lazily, inside functions.
COMPOSITION_ROOT = {"bot/bootstrap.py", "bot/platform_packages.py"}
# What storage may know of bot/: the domain model, its values and errors.
DOMAIN = ("bot.model", "bot.policy", "bot.box_model", "bot.challenge_model", "bot.conversations", "bot.errors", "bot.timefmt")


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


def modules_in(package: str) -> list[tuple[str, Path]]:
    return [(path.relative_to(ROOT).as_posix(), path) for path in sorted((ROOT / package).rglob("*.py"))]


def is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_core_imports_no_platform_or_web_module():
    offenders = []
    for name, path in modules_in("bot"):
        for module, _ in imports_of(path):
            if any(is_in(module, f) for f in FORBIDDEN):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_core_reaches_adapters_only_from_the_composition_root():
    offenders = []
    for name, path in modules_in("bot"):
        for module, top_level in imports_of(path):
            if is_in(module, "handlers") and (name not in COMPOSITION_ROOT or top_level):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_adapters_never_import_storage():
    offenders = []
    for name, path in modules_in("handlers"):
        for module, _ in imports_of(path):
            if is_in(module, "storage"):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_storage_imports_only_the_domain_model_and_errors_from_the_core():
    offenders = []
    for name, path in modules_in("storage"):
        for module, _ in imports_of(path):
            if is_in(module, "bot") and module != "bot" and not any(is_in(module, d) for d in DOMAIN):
                offenders.append(f"{name}: {module}")
            if is_in(module, "handlers"):
                offenders.append(f"{name}: {module}")
    assert offenders == []


def test_the_domain_modules_storage_may_import_import_nothing_else_of_ours():
    """Otherwise storage would reach services through them."""
    offenders = []
    for module in DOMAIN:
        path = ROOT / (module.replace(".", "/") + ".py")
        for imported, _ in imports_of(path):
            if any(is_in(imported, p) for p in ("bot", "handlers", "storage")) and not any(
                    is_in(imported, d) for d in DOMAIN):
                offenders.append(f"{module}: {imported}")
    assert offenders == []


def test_the_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from aiohttp import web\nimport slack_sdk\n\ndef later():\n    from storage import ideas\n")
    found = imports_of(sample)
    assert ("aiohttp.web", True) in found and ("slack_sdk", True) in found and ("storage.ideas", False) in found


def reachable_from(start: str) -> set[str]:
    """The bot/ and storage/ modules `start` imports, directly or through others, lazy imports included."""
    seen, todo = set(), [start]
    while todo:
        path = ROOT / (todo.pop().replace(".", "/") + ".py")
        for module, _ in imports_of(path) if path.exists() else ():
            if (is_in(module, "bot") or is_in(module, "storage")) and module not in seen:
                seen.add(module)
                todo.append(module)
    return seen


def test_the_core_context_imports_no_use_case_back():
    """Core gets its collaborators (the card refresher) injected by the composition root: no import circle."""
    assert "bot.core" not in reachable_from("bot.core")
    assert not {"bot.ideas", "bot.problems", "bot.challenge_cards"} & reachable_from("bot.core")
