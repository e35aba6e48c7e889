"""The `herobot` command: serve, shell, export, digest, check, backup, restore, forget."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from bot import bootstrap, platforms
from bot.config import Config, ConfigError, Settings
from bot.export import export
from bot.privacy import export_user, forget
from storage.backup import InUse, backup, restore
from storage.db import open_database
from storage.keys import SecretError

log = logging.getLogger("herobot")


def main(argv: list[str] | None = None, teams_tokens=None) -> int:
    """`teams_tokens` replaces MSAL as the source of Bot Connector tokens (tests only; see create_app)."""
    args = _parser().parse_args(argv)
    args.overrides = {"teams_tokens": teams_tokens} if teams_tokens is not None else {}
    os.umask(0o077)  # whatever herobot writes (database, WAL, backups, key file) is the owner's alone
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every minute's wake-up
    settings = Settings.from_env()
    try:
        return args.run(settings, args)
    except (ConfigError, SecretError) as error:
        print(f"herobot: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="herobot", description="Crowdsource service fixes in Slack and Teams.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help=f"serve {' and '.join(p.title for p in platforms.registered())} over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.set_defaults(run=_serve)

    shell = commands.add_parser("shell", help="chat with the bot in this terminal")
    shell.add_argument("--as", dest="user", default="local-admin", help="the user name to act as")
    shell.set_defaults(run=_shell)

    exporter = commands.add_parser("export", help="print the whole database as JSON")
    exporter.add_argument("--user", help="only everything stored about this user id")
    exporter.add_argument("--csv", metavar="DIR", help="write ideas, votes, comments, problems and decisions as "
                                                       "CSV files (one per table, with a header row) into DIR")
    exporter.set_defaults(run=_export)

    digest = commands.add_parser("digest", help="the weekly digest of the last seven days: print it, or send it now")
    what = digest.add_mutually_exclusive_group(required=True)
    what.add_argument("--preview", action="store_true", help="print the digest as text; nothing is sent")
    what.add_argument("--send", action="store_true", help="post the digest to the ideas channel now")
    digest.add_argument("--platform", choices=_sending_platforms(),
                        help="preview or send that platform's digest (default: preview every platform's ideas; "
                             "send to every platform that has credentials and an ideas channel)")
    digest.set_defaults(run=_digest)

    backup = commands.add_parser("backup", help="copy the live database to PATH (safe while serving)")
    backup.add_argument("path")
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help="replace the database with the backup at PATH (stop serve first)")
    restore.add_argument("path")
    restore.set_defaults(run=_restore)

    check = commands.add_parser("check", help="print the effective configuration and verify it; changes nothing")
    check.set_defaults(run=_check)

    forget = commands.add_parser("forget", help="remove a person's ids and words from the database")
    forget.add_argument("user", help="their user id, e.g. U0123ABCD")
    forget.set_defaults(run=_forget)
    return parser


def _sending_platforms() -> tuple[str, ...]:
    return tuple(p.name for p in platforms.registered() if p.standalone_chat is not None)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    Config.of(settings)  # fail fast (exit 2) on a broken, misspelled or missing config
    for platform in platforms.registered():
        if platform.enabled(settings) and (problem := platform.missing()):
            log.error(problem)
            return 3
    bootstrap.serve(settings, args.host, args.port)
    return 0


def _shell(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(bootstrap.run_shell(settings, args.user, input, sys.stdout))
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings.db_path)
    try:
        if args.csv:
            from bot.csv_export import write_csv

            for path, rows in write_csv(db, Path(args.csv)):
                print(f"{path}: {rows} row{'' if rows == 1 else 's'}", file=sys.stderr)
            return 0
        document = export_user(db, args.user) if args.user else export(db)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `herobot export | head`: the reader has had enough
        _quiet_stdout()
    finally:
        db.close()
    return 0


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _digest(settings: Settings, args: argparse.Namespace) -> int:
    from bot import digest
    from bot.sending import deliver_all

    async def preview() -> int:
        async with bootstrap.running_core(settings) as core:
            print(bootstrap.as_text(await digest.preview(core, core.now(), args.platform)))
        return 0

    async def send() -> int:
        config = Config.of(settings)
        targets, problem = _digest_targets(settings, config, args.platform)
        if problem:
            print(f"herobot: {problem}", file=sys.stderr)
            return 2
        for name in targets:
            if problem := platforms.platform(name).missing():
                print(f"herobot: {problem}", file=sys.stderr)
                return 3
        status = 0
        async with (bootstrap.running_core(settings, config) as core,
                    bootstrap.standalone_chats(core, settings, targets, args.overrides)):
            for platform in targets:
                if not bootstrap.reachable(core, platform):
                    print(f"herobot: {platforms.platform(platform).unreachable}", file=sys.stderr)
                    status = max(status, 2)
                    continue
                send = digest.manual_digest(core, core.now(), platform)
                if not await deliver_all(core, [send]):
                    print(f"herobot: the {platform} digest could not be sent; see the log above", file=sys.stderr)
                    status = max(status, 1)
                    continue
                print(f"The digest is posted to {send.key.recipient} on {platform}.")
        return status

    return asyncio.run(preview() if args.preview else send())


def _digest_targets(settings: Settings, config: Config, only: str | None) -> tuple[list[str], str | None]:
    """The platforms `digest --send` posts to (those with credentials and an ideas channel), or why none."""
    if only:
        platform = platforms.platform(only)
        if not platform.can_send(settings):
            return [], f"digest --send --platform {only} needs {platform.credentials}"
        if config.channel(only, "ideas") is None:
            return [], f"set [{only}] ideas_channel in the config to send the digest"
        return [only], None
    sending = [platforms.platform(name) for name in _sending_platforms()]
    targets = [p.name for p in sending if p.can_send(settings) and config.channel(p.name, "ideas")]
    if not targets:
        return [], ("digest --send needs a platform with credentials and an ideas channel: "
                    + ", or ".join(f"{p.credentials} and [{p.name}] ideas_channel" for p in sending))
    return targets, None


def effective_config(settings: Settings, config: Config) -> list[str]:
    """The configuration herobot runs with, defaults included; secrets only as set / not set."""
    found = Path(settings.config_path).exists()

    def channels(platform: str) -> str:
        return ", ".join(f"{k}_channel = {v}" for (p, k), v in sorted(config.channels.items()) if p == platform)

    def people(ids) -> str:
        return ", ".join(ids) or "none"
    return [
        f"Config file: {settings.config_path} ({'read' if found else 'not found: defaults'})",
        f"Database: {settings.db_path}",
        *(f"  [{p.name}] {channels(p.name) or 'no channels'}; {p.describe(settings)}" for p in platforms.registered()),
        f"  [roles] managers: {people(config.managers)}; it_champions: {people(config.it_champions)}"
        f"; escalation: {config.escalation or 'none'}",
        *(f"  [routing] {goal}: {people(ids)}" for goal, ids in config.routing.items()),
        f"  [voting] threshold = {config.vote_threshold}; reactions: {', '.join(config.vote_reactions)}",
        f"  [mission] goals: {', '.join(config.mission_goals) or 'none'}",
        f"  [digest] every {WEEKDAY_NAMES[config.digest_day]} at {config.digest_time:%H:%M} {config.digest_timezone}"
        f"; combined = {str(config.digest_combined).lower()}",
        f"  [nudges] remind_after_days = {config.remind_after_days}; escalate_after_days = {config.escalate_after_days}",
        f"  [problems] hot_threshold = {config.hot_threshold}; self_service_threshold = {config.self_service_threshold}",
    ]


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _check(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when everything verified is fine, 1 when something is not."""
    config = Config.of(settings)
    print("herobot check: nothing is changed.")
    print("\n".join(effective_config(settings, config)))

    async def verify() -> list[tuple[str, bool, str]]:
        results = []
        for platform in platforms.registered():
            if platform.check is None:
                continue
            if not platform.can_send(settings):
                results.append((platform.title, True, platform.not_configured))
            elif problem := platform.missing():
                results.append((platform.title, False, problem))
            else:
                checked = await platform.check(settings, config, args.overrides)
                results += [(platform.title, ok, text) for ok, text in checked]
        return results

    results = asyncio.run(verify())
    for platform, ok, text in results:
        print(f"{platform}: {'✓' if ok else '✗'} {text}")
    return 0 if all(ok for _, ok, _ in results) else 1


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
