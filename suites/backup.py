"""Suite 7: `herobot backup PATH` under write load, and `herobot restore PATH`.

Each copy passes integrity_check and holds every write committed before the backup began;
restore refuses while a server has the database open, and works once it is stopped.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import aiohttp

from suites.common import (
    FakeSlackServer,
    Report,
    Server,
    event_body,
    integrity,
    post,
    posted_ideas,
    query,
    reaction_event,
    run_cli,
    signed,
    suite_main,
)


async def run(quick: bool = False) -> Report:
    report = Report("backup and restore")
    rounds = 2 if quick else 10
    with tempfile.TemporaryDirectory(prefix="herobot-backup-") as tmp:
        work = Path(tmp)
        async with FakeSlackServer() as fake:
            server = Server(work, work / "live.db", fake.base_url)
            await server.start()
            acked: set = set()
            stop = asyncio.Event()
            try:
                async with aiohttp.ClientSession() as session:
                    messages = await posted_ideas(session, server, 5)
                    idea_of = {ts: i for i, ts in query(server.db_path, "SELECT id, message_id FROM ideas")}

                    async def load() -> None:
                        n = 0
                        while not stop.is_set():
                            n += 1
                            ts = messages[n % len(messages)]
                            body = event_body(reaction_event(f"UB{n}", ts))
                            if (await post(session, server.url, body, signed(body, "application/json")))[0] == 200:
                                acked.add((idea_of[ts], f"UB{n}"))

                    writers = [asyncio.create_task(load()) for _ in range(4)]
                    copies = []
                    for n in range(rounds):
                        await asyncio.sleep(0.5)
                        before = set(acked)  # every one of these was committed before the backup began
                        target = work / f"copy-{n}.db"
                        result = await asyncio.to_thread(run_cli, "backup", str(target), env=server.env())
                        report.promise(result.returncode == 0, f"backup {n} failed: {result.stderr[-300:]}")
                        if result.returncode:
                            continue
                        votes = {(i, u) for i, u in query(target, "SELECT idea_id, user_id FROM votes")}
                        copies.append((len(before), len(votes)))
                        report.promise(integrity(target) == "ok", f"copy {n} failed integrity_check")
                        report.promise(before <= votes, f"copy {n} lacks {len(before - votes)} earlier writes")
                    stop.set()
                    await asyncio.gather(*writers)
                    report.figure("backups under load", len(copies))
                    report.figure("(acknowledged before, votes in copy)", copies)

                    refused = run_cli("restore", str(work / "copy-0.db"), env=server.env())
                    report.figure("restore while serving", f"exit {refused.returncode}: {refused.stderr.strip()[-120:]}")
                    report.promise(refused.returncode == 3, "restore did not refuse while the server runs")
            finally:
                server.stop()
            expected = query(work / "copy-0.db", "SELECT count(*) FROM votes")[0][0]
            restored = run_cli("restore", str(work / "copy-0.db"), env=server.env())
            report.promise(restored.returncode == 0, f"restore failed: {restored.stderr[-300:]}")
            now = query(server.db_path, "SELECT count(*) FROM votes")[0][0]
            report.figure("votes after restore / in the copy", f"{now} / {expected}")
            report.promise(now == expected and integrity(server.db_path) == "ok", "the restored database differs")
            await server.start()  # and it serves again
            server.stop()
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
