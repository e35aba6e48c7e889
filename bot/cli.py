"""The `herobot` command: serve, shell, export, digest, check, backup, restore, forget."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path

from bot.config import Config, ConfigError, Settings
from bot.export import export
from bot.lifecycle import running_core
from bot.privacy import export_user, forget
from storage.backup import InUse, backup, restore
from storage.db import open_database
from storage.keys import SecretError

log = logging.getLogger("herobot")


def main(argv: list[str] | None = None, teams_tokens=None) -> int:
    """`teams_tokens` replaces MSAL as the source of Bot Connector tokens (tests only; see create_app)."""
    args = _parser().parse_args(argv)
    args.teams_tokens = teams_tokens
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

    serve = commands.add_parser("serve", help="serve Slack and Teams over HTTP")
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
    digest.add_argument("--platform", choices=("slack", "teams"),
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


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from handlers.web import serve  # the composition root; imports the platform SDKs

    Config.of(settings)  # fail fast (exit 2) on a broken, misspelled or missing config
    if settings.teams_enabled and (problem := _teams_missing()):
        log.error(problem)
        return 3
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
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _digest(settings: Settings, args: argparse.Namespace) -> int:
    from bot import digest
    from bot.sending import deliver_all
    from handlers.shell_render import as_text

    async def preview() -> int:
        async with running_core(settings) as core:
            print(as_text(await digest.preview(core, core.now(), args.platform)))
        return 0

    async def send() -> int:
        config = Config.of(settings)
        platforms, problem = _digest_targets(settings, config, args.platform)
        if problem:
            print(f"herobot: {problem}", file=sys.stderr)
            return 2
        if "teams" in platforms and (problem := _teams_missing()):
            print(f"herobot: {problem}", file=sys.stderr)
            return 3
        status = 0
        async with running_core(settings, config) as core, contextlib.AsyncExitStack() as chats:
            for platform in platforms:
                chat = await chats.enter_async_context(_standalone_chat(platform, settings, core, args.teams_tokens))
                core.connect(chat)
                if platform == "teams" and not _teams_reachable(core):
                    print("herobot: no Teams conversation is known yet, so there is no Bot Connector address to "
                          "send to: install the app in the team (or say `hero help` to the bot) with "
                          "`herobot serve` running, then send again", file=sys.stderr)
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


CREDENTIALS = {
    "slack": "SLACK_BOT_TOKEN",
    "teams": "MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID",
}


def _digest_targets(settings: Settings, config: Config, only: str | None) -> tuple[list[str], str | None]:
    """The platforms `digest --send` posts to (those with credentials and an ideas channel), or why none."""
    ready = {"slack": bool(settings.slack_bot_token), "teams": settings.teams_enabled}
    if only:
        if not ready[only]:
            return [], f"digest --send --platform {only} needs {CREDENTIALS[only]}"
        if config.channel(only, "ideas") is None:
            return [], f"set [{only}] ideas_channel in the config to send the digest"
        return [only], None
    platforms = [p for p in ("slack", "teams") if ready[p] and config.channel(p, "ideas")]
    if not platforms:
        return [], ("digest --send needs a platform with credentials and an ideas channel: "
                    f"{CREDENTIALS['slack']} and [slack] ideas_channel, or {CREDENTIALS['teams']} "
                    "and [teams] ideas_channel")
    return platforms, None


def _standalone_chat(platform: str, settings: Settings, core, teams_tokens):
    if platform == "slack":
        from handlers.slack.app import standalone_chat

        return standalone_chat(settings)
    from handlers.teams.app import standalone_chat

    return standalone_chat(settings, core.db, core.now, teams_tokens)


def _teams_missing() -> str | None:
    from handlers.teams import missing_extra

    return missing_extra()


def _teams_reachable(core) -> bool:
    from storage.teams import latest_conversation

    return latest_conversation(core.db) is not None


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
        f"  [slack] {channels('slack') or 'no channels'}; SLACK_BOT_TOKEN {'set' if settings.slack_bot_token else 'not set'}"
        f", {'Socket Mode (SLACK_APP_TOKEN)' if settings.slack_app_token else 'HTTP (SLACK_SIGNING_SECRET)'}",
        f"  [teams] {channels('teams') or 'no channels'}; MICROSOFT_APP_ID {settings.microsoft_app_id or 'not set'}",
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
        if settings.slack_bot_token:
            from handlers.slack.check import check_slack

            results += [("Slack", ok, text) for ok, text in await check_slack(settings, config)]
        else:
            results.append(("Slack", True, "not configured (SLACK_BOT_TOKEN is not set)"))
        if settings.teams_enabled:
            if problem := _teams_missing():
                results.append(("Teams", False, problem))
            else:
                from handlers.teams.check import check_teams

                results += [("Teams", ok, text) for ok, text in await check_teams(settings, args.teams_tokens)]
        else:
            results.append(("Teams", True, "not configured (MICROSOFT_APP_ID, _PASSWORD and _TENANT_ID are not all set)"))
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
