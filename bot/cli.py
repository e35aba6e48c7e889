"""The `herobot` command: serve, shell, export, digest, backup, restore, forget."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from pathlib import Path

from bot.config import Config, ConfigError, Settings
from bot.export import export
from bot.lifecycle import running_core
from bot.privacy import export_user, forget
from storage.backup import InUse, backup, restore
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
    exporter.add_argument("--user", help="only everything stored about this user id")
    exporter.set_defaults(run=_export)

    digest = commands.add_parser("digest", help="the weekly digest of the last seven days: print it, or send it now")
    what = digest.add_mutually_exclusive_group(required=True)
    what.add_argument("--preview", action="store_true", help="print the digest as text; nothing is sent")
    what.add_argument("--send", action="store_true", help="post the digest to the ideas channel now")
    digest.add_argument("--platform", choices=("slack", "teams"),
                        help="preview that platform's digest (default: every platform's ideas)")
    digest.set_defaults(run=_digest)

    backup = commands.add_parser("backup", help="copy the live database to PATH (safe while serving)")
    backup.add_argument("path")
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help="replace the database with the backup at PATH (stop serve first)")
    restore.add_argument("path")
    restore.set_defaults(run=_restore)

    forget = commands.add_parser("forget", help="remove a person's ids and words from the database")
    forget.add_argument("user", help="their user id, e.g. U0123ABCD")
    forget.set_defaults(run=_forget)
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
        document = export_user(db, args.user) if args.user else export(db)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
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


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    open_database(settings.db_path).close()  # the schema is current before it is copied
    try:
        backup(settings.db_path, args.path)
    except (OSError, sqlite3.Error) as error:
        print(f"herobot: backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backed up {settings.db_path} to {args.path} (integrity_check ok)", file=sys.stderr)
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    if not Path(args.path).is_file():
        print(f"herobot: no backup at {args.path}", file=sys.stderr)
        return 1
    try:
        restore(args.path, settings.db_path)
    except InUse as error:
        print(f"herobot: {error}", file=sys.stderr)
        return 3
    except (OSError, sqlite3.Error) as error:
        print(f"herobot: restore failed: {error}", file=sys.stderr)
        return 1
    open_database(settings.db_path).close()  # an older backup gets today's migrations
    print(f"restored {settings.db_path} from {args.path}", file=sys.stderr)
    return 0


def _forget(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings.db_path)
    try:
        changed = forget(db, args.user)
    except (ValueError, LookupError) as error:
        print(f"herobot: {error}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(json.dumps({"forgotten": args.user, "changed": changed}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
