"""`python -m suites [NAME ...|all] [--quick]`: run suites, print their figures, exit 1 if any promise broke.
`python -m suites --quick` runs every suite at its small size (about 2 minutes on 2 cores; `.ci/run` runs it)."""

from __future__ import annotations

import asyncio
import importlib
import sys
import time

SUITES = ("forged", "duplicates", "crash", "contention", "property", "fuzz", "backup", "privacy")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")]
    names = list(SUITES) if not names or names == ["all"] else names
    if unknown := [name for name in names if name not in SUITES]:  # before any suite spends its minutes
        print(f"unknown suite {unknown[0]}; choose from {', '.join(SUITES)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        started = time.monotonic()
        report = asyncio.run(importlib.import_module(f"suites.{name}").run(quick))
        report.print()
        print(f"{name}: {time.monotonic() - started:.1f} s")
        if not report.ok:
            failed.append(name)
    print(f"suites: {len(names) - len(failed)} ok, {len(failed)} broken {failed if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
