"""Suite 8: privacy. `herobot export --user` gives a person everything stored about them;
after `herobot forget`, neither a full dump of the database nor the export holds their id, their
anonymous idea stays anonymous, everyone else's data stays; no log holds a token or secret."""

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

PERSON, OTHER = "UALICE7", "UBOB7"


async def run(quick: bool = False) -> Report:
    report = Report("privacy")
    with tempfile.TemporaryDirectory(prefix="herobot-privacy-") as tmp:
        work = Path(tmp)
        async with FakeSlackServer() as fake:
            server = Server(work, work / "privacy.db", fake.base_url)
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    form = "application/x-www-form-urlencoded"
                    for user, text in ((PERSON, "Named idea by the person"), (PERSON, "anon Their anonymous idea"),
                                       (OTHER, "An idea by someone else")):
                        body = command_body(text, user=user, response_url=fake.response_url("p"))
                        assert (await post(session, server.url, body, signed(body, form)))[0] == 200
                    for _ in range(300):
                        messages = [r[0] for r in query(server.db_path, "SELECT message_id FROM ideas "
                                                        "WHERE message_id IS NOT NULL ORDER BY id")]
                        if len(messages) == 3:
                            break
                        await asyncio.sleep(0.1)
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
            report.promise(PERSON not in everything, "the export still holds their id")
            ideas = json.loads(everything)["ideas"]
            report.promise(ideas[1]["anonymous"] and ideas[1]["author"] is None, "their anonymous idea is no longer anonymous")
            report.promise(all(i["voters"] == [OTHER] for i in ideas), "someone else's votes were touched")
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
