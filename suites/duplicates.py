"""Suite 2: duplicate deliveries. Every event is delivered four times (the original, then
X-Slack-Retry-Num 1, 2, 3), some retries racing the original → exactly one effect each."""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections import Counter

from suites.common import (
    SECRET,
    Report,
    event_body,
    post,
    posted_ideas,
    query,
    reaction_event,
    reply_event,
    served,
    suite_main,
)
from tests.slack_requests import sign


async def run(quick: bool = False) -> Report:
    report = Report("duplicate deliveries")
    events = 40 if quick else 1_000
    rng = random.Random(2)
    async with served("dup") as (server, fake, session):
        messages = await posted_ideas(session, server, 10)
        plan = []
        for n in range(events):
            ts = rng.choice(messages)
            if n % 2:
                event = reaction_event(f"UVOTER{n}", ts)
            else:
                event = reply_event(f"UTALK{n % 50}", ts, f"comment {n}", f"1800000000.{n:06d}")
            plan.append((event_body(event, event_id=f"EvDUP{n:06d}"), rng.random() < 0.3))
        statuses: Counter = Counter()
        sem = asyncio.Semaphore(16)

        async def deliver(body: bytes, retry: int | None) -> None:
            extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
            # Slack signs each delivery afresh: a retry carries a later timestamp (the same one would be a replay)
            headers = {"Content-Type": "application/json",
                       **sign(body, secret=SECRET, timestamp=int(time.time()) + (retry or 0)), **extra}
            async with sem:
                statuses[(await post(session, server.url, body, headers))[0]] += 1

        async def four_times(body: bytes, racing: bool) -> None:
            if racing:  # the first retry arrives while the original is being handled
                await asyncio.gather(deliver(body, None), deliver(body, 1))
            else:
                await deliver(body, None)
                await deliver(body, 1)
            await asyncio.gather(deliver(body, 2), deliver(body, 3))

        await asyncio.gather(*(four_times(body, racing) for body, racing in plan))
        votes = query(server.db_path, "SELECT count(*) FROM votes")[0][0]
        comments = query(server.db_path, "SELECT count(*) FROM comments")[0][0]
        claimed = query(server.db_path, "SELECT count(*) FROM processed_events WHERE event_id LIKE 'EvDUP%'")[0][0]
        report.figure("events", events)
        report.figure("deliveries", sum(statuses.values()))
        report.figure("racing originals", sum(racing for _, racing in plan))
        report.figure("statuses", dict(statuses))
        report.figure("votes / expected", f"{votes} / {events // 2}")
        report.figure("comments / expected", f"{comments} / {events - events // 2}")
        report.promise(set(statuses) == {200}, "a delivery was not answered 200")
        report.promise(votes == events // 2, "votes do not match one per reaction event")
        report.promise(comments == events - events // 2, "comments do not match one per reply event")
        report.promise(claimed == events, "not every event id was recorded once")
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
