"""Part of the composition root: the platform packages, named once. The registry (bot.platforms) loads
them on first use, so config, the CLI and the export can ask for platform names without building anything.

Adding a platform: a package with `PLATFORM = Platform(...)` in its __init__, imported here.
"""

from __future__ import annotations

from collections.abc import Callable


def register_all(register: Callable) -> None:
    """Register each package's PLATFORM, in this order (the order of routes, checks and export fields)."""
    from handlers import slack, teams  # light: their __init__ imports no platform SDK

    for package in (slack, teams):
        register(package.PLATFORM)
