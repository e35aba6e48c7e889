"""`python -m suites [NAME ...|all] [--quick]`: run suites, print their figures, exit 1 if any promise broke."""

from __future__ import annotations

import asyncio
import importlib
import sys

SUITES = ("forged", "duplicates", "crash", "contention", "property", "fuzz", "backup", "privacy")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")]
    names = list(SUITES) if not names or names == ["all"] else names
    failed = []
    for name in names:
        if name not in SUITES:
            print(f"unknown suite {name}; choose from {', '.join(SUITES)}", file=sys.stderr)
            return 2
        report = asyncio.run(importlib.import_module(f"suites.{name}").run(quick))
        report.print()
        if not report.ok:
            failed.append(name)
    print(f"suites: {len(names) - len(failed)} ok, {len(failed)} broken {failed if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
