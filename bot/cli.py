"""The `herobot` command: serve, shell, export, digest."""

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

    digest = commands.add_parser("digest", help="the weekly digest of the last seven days: print it, or send it now")
    what = digest.add_mutually_exclusive_group(required=True)
    what.add_argument("--preview", action="store_true", help="print the digest as text; nothing is sent")
    what.add_argument("--send", action="store_true", help="post the digest to the ideas channel now")
    digest.add_argument("--platform", choices=("slack", "teams"),
                        help="preview that platform's digest (default: every platform's ideas)")
    digest.set_defaults(run=_digest)
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


def _digest(settings: Settings, args: argparse.Namespace) -> int:
    from bot import digest
    from bot.sending import deliver_all
    from handlers.shell import as_text

    async def preview() -> int:
        async with running_core(settings) as core:
            print(as_text(await digest.preview(core, core.now(), args.platform)))
        return 0

    async def send() -> int:
        from handlers.slack.app import standalone_chat

        if not settings.slack_bot_token:
            print("herobot: digest --send needs SLACK_BOT_TOKEN", file=sys.stderr)
            return 2
        async with running_core(settings) as core, standalone_chat(settings) as chat:
            core.connect(chat)
            send = digest.manual_digest(core, core.now(), chat.platform)
            if send is None:
                print("herobot: set [slack] ideas_channel in the config to send the digest", file=sys.stderr)
                return 2
            if not await deliver_all(core, [send]):
                print("herobot: the digest could not be sent; see the log above", file=sys.stderr)
                return 1
            print(f"The digest is posted to {send.key.recipient}.")
        return 0

    return asyncio.run(preview() if args.preview else send())


if __name__ == "__main__":
    raise SystemExit(main())
