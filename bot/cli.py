"""The `herobot` command: serve, shell, export."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from bot.config import Config, ConfigError, Settings
from bot.export import export
from bot.lifecycle import running_core
from storage.db import open_database


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    try:
        return args.run(settings, args)
    except ConfigError as error:
        print(f"herobot: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="herobot", description="Crowdsource service fixes in Slack and Teams.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve Slack (and later Teams) over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.set_defaults(run=_serve)

    shell = commands.add_parser("shell", help="chat with the bot in this terminal")
    shell.add_argument("--as", dest="user", default="local-admin", help="the user name to act as")
    shell.set_defaults(run=_shell)

    exporter = commands.add_parser("export", help="print the whole database as JSON")
    exporter.set_defaults(run=_export)
    return parser


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.web import serve  # the composition root; imports the platform SDKs

    Config.load(settings.config_path)  # fail fast on a broken config
    serve(settings, args.host, args.port)
    return 0


def _shell(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.shell import run_shell

    async def session() -> None:
        async with running_core(settings) as core:
            await run_shell(core, args.user, input, sys.stdout)

    asyncio.run(session())
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings.db_path)
    try:
        json.dump(export(db), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
