"""Suite 8: privacy. `herobot export --user` gives a person everything stored about them;
after `herobot forget`, neither a full dump of the database nor the export holds their id, their
anonymous idea stays anonymous, everyone else's data stays; no log holds a token or secret.

The person holds every role the suite can give through Slack: named and anonymous author, voter,
commenter (and mentioned in someone else's comment), problem reporter, Me too, and manager who got
review requests. After `forget` the raw bytes of the database file and its WAL (any case) hold
neither their id nor a mention of them. Someone who only ever posted anonymously is nowhere in the
raw file; the file holds no secret; every file herobot wrote is 0600."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

import aiohttp

from suites.common import (
    SECRET,
    TOKEN,
    FakeSlackServer,
    Report,
    Server,
    command_body,
    event_body,
    post,
    query,
    reaction_event,
    reply_event,
    run_cli,
    signed,
    suite_main,
)

PERSON, OTHER, SHY = "UALICE7", "UBOB7", "USHYONLY7"
ROLES = '[roles]\nmanagers = ["UALICE7"]\nit_champions = ["UALICE7"]\nescalation = "UALICE7"\n'


def raw_bytes(db_path: Path) -> bytes:
    return b"".join(Path(f"{db_path}{suffix}").read_bytes() for suffix in ("", "-wal")
                    if Path(f"{db_path}{suffix}").exists()).lower()


def modes(folder: Path) -> dict[str, str]:
    return {p.name: oct(p.stat().st_mode & 0o777) for p in folder.iterdir() if p.is_file() and p.suffix != ".log"
            and p.name != "herobot.toml"}


def me_too_click(user: str, problem: str) -> bytes:
    from urllib.parse import urlencode

    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user, "team_id": "T1"},
               "api_app_id": "A1", "token": "legacy", "trigger_id": "1.2.3",
               "container": {"type": "message", "message_ts": "1.0", "channel_id": "C0IDEAS"},
               "channel": {"id": "C0IDEAS"}, "message": {"ts": "1.0"},
               "actions": [{"type": "button", "action_id": "problem_me_too", "block_id": "b", "value": problem,
                            "action_ts": "1.0"}]}
    return urlencode({"payload": json.dumps(payload)}).encode()


async def run(quick: bool = False) -> Report:
    report = Report("privacy")
    with tempfile.TemporaryDirectory(prefix="herobot-privacy-") as tmp:
        work = Path(tmp)
        async with FakeSlackServer() as fake:
            server = Server(work, work / "privacy.db", fake.base_url)
            config = (work / "herobot.toml").read_text().replace("threshold = 1000", "threshold = 2")
            (work / "herobot.toml").write_text(config + ROLES)
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    form = "application/x-www-form-urlencoded"
                    for user, text in ((PERSON, "Named idea by the person"), (PERSON, "anon Their anonymous idea"),
                                       (OTHER, "An idea by someone else")):
                        body = command_body(text, user=user, response_url=fake.response_url("p"))
                        assert (await post(session, server.url, body, signed(body, form)))[0] == 200
                    for user, text in ((PERSON, "The app logs customers out"), (OTHER, "Refund forms get lost")):
                        body = command_body(text, user=user, command="/problem", response_url=fake.response_url("p"))
                        assert (await post(session, server.url, body, signed(body, form)))[0] == 200
                    body = command_body("anon Someone only ever posts anonymously", user=SHY,
                                        response_url=fake.response_url("p"))
                    assert (await post(session, server.url, body, signed(body, form)))[0] == 200
                    await asyncio.sleep(0.5)
                    body = me_too_click(PERSON, "2")
                    assert (await post(session, server.url, body, signed(body, form)))[0] == 200
                    for _ in range(300):
                        messages = [r[0] for r in query(server.db_path, "SELECT message_id FROM ideas "
                                                        "WHERE message_id IS NOT NULL ORDER BY id")]
                        if len(messages) == 4:
                            break
                        await asyncio.sleep(0.1)
                    messages = messages[:3]
                    events = [reaction_event(u, ts) for ts in messages for u in (PERSON, OTHER)]
                    events += [reply_event(PERSON, messages[2], "I like it", "1990000000.000001"),
                               reply_event(OTHER, messages[0], f"Agree with <@{PERSON}>", "1990000000.000002")]
                    for event in events:
                        body = event_body(event)
                        assert (await post(session, server.url, body, signed(body, "application/json")))[0] == 200
                    await asyncio.sleep(1.5)
            finally:
                server.stop()
            env = server.env()
            secret_left = query(server.db_path, "SELECT count(*) FROM meta WHERE key LIKE '%secret%'")[0][0]
            report.promise(secret_left == 0, "the database holds a secret (meta)")
            report.promise(SHY.lower().encode() not in raw_bytes(server.db_path),
                           "someone who only posted anonymously is in the raw database file")
            report.figure("anonymous-only poster in the raw file", SHY.lower().encode() in raw_bytes(server.db_path))
            roles = {table: query(server.db_path, f"SELECT count(*) FROM {table} WHERE {column} = ?", (PERSON,))[0][0]
                     for table, column in (("votes", "user_id"), ("comments", "user_id"),
                                           ("problem_reports", "user_id"), ("review_messages", "user_id"))}
            report.figure("their rows before forget", roles)
            report.promise(all(roles.values()), f"the suite did not give them every role: {roles}")
            backup_path = work / "before-forget.db"
            report.promise(run_cli("backup", str(backup_path), env=env).returncode == 0, "backup failed")
            file_modes = modes(work)
            report.figure("file modes", file_modes)
            report.promise(all(m == "0o600" for m in file_modes.values()), f"a file is not 0600: {file_modes}")
            mine = run_cli("export", "--user", PERSON, env=env)
            report.promise(mine.returncode == 0, f"export --user failed: {mine.stderr[-300:]}")
            data = json.loads(mine.stdout or "{}")
            anonymous = [i for i in data.get("ideas", []) if i["anonymous"]]
            report.figure("export --user: ideas / votes / comments",
                          f"{len(data.get('ideas', []))} / {len(data.get('votes', []))} / {len(data.get('comments', []))}")
            report.promise(len(data.get("ideas", [])) == 2 and len(anonymous) == 1,
                           "export --user misses their ideas (the anonymous one is recognised by author_key)")
            report.promise(len(data.get("votes", [])) == 3 and len(data.get("comments", [])) == 1,
                           "export --user misses their votes or comments")
            report.promise(OTHER not in mine.stdout, "export --user holds someone else's id")

            forgot = run_cli("forget", PERSON, env=env)
            report.promise(forgot.returncode == 0, f"forget failed: {forgot.stderr[-300:]}")
            report.figure("forget", forgot.stdout.strip())
            conn = sqlite3.connect(str(server.db_path))
            dump = "\n".join(conn.iterdump())
            conn.close()
            everything = run_cli("export", env=env).stdout
            report.promise(PERSON not in dump, "the database dump still holds their id")
            raw = raw_bytes(server.db_path)
            report.figure("their id in the raw file and WAL after forget (any case)", PERSON.lower().encode() in raw)
            report.promise(PERSON.lower().encode() not in raw, "the raw database file or WAL still holds their id")
            report.promise(b"a former colleague" in raw, "the mention of them does not read 'a former colleague'")
            report.figure("their id in a backup made before forget (forget cannot reach copies)",
                          PERSON.lower().encode() in raw_bytes(backup_path))
            report.promise(PERSON not in everything, "the export still holds their id")
            ideas = json.loads(everything)["ideas"]
            report.promise(ideas[1]["anonymous"] and ideas[1]["author"] is None, "their anonymous idea is no longer anonymous")
            report.promise(all(i["voters"] == [OTHER] for i in ideas[:3]), "someone else's votes were touched")
            again = json.loads(run_cli("export", "--user", PERSON, env=env).stdout)
            report.promise(not again["ideas"] and not again["votes"] and not again["comments"],
                           "export --user still finds them after forget")
            other_left = query(server.db_path, "SELECT count(*) FROM comments WHERE user_id = ?", (OTHER,))[0][0]
            report.promise(other_left == 1, "someone else's comment was removed")

            logs = server.log_path.read_text() + mine.stderr + forgot.stderr
            report.figure("log lines checked", logs.count("\n"))
            report.promise(TOKEN not in logs and SECRET not in logs, "a token or signing secret is in the logs")
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
