"""Suite 3: crash safety. SIGKILL `herobot serve` at random moments during a stream of votes and
comments. After each restart every request that got a 2xx is in the database and
`PRAGMA integrity_check` is ok; at the end, the next update brings every message's counts to
the database's. Requests cut off by a kill are delivered again after the restart, as Slack does.

Then posting under kills: /idea while each post lands in Slack a moment before Slack answers, and
SIGKILLs fall between a post and its record. Every acknowledged idea is posted exactly once in the
end (the outbox retries it; the claim key in the message metadata stops a second post): at full
size the suite waits for the outbox to drain, quick it checks that none is posted twice or lost.
The same on Teams: `idea …` in personal chats while each card lands in the ideas channel a moment
before the Bot Connector answers; the claim rides hidden in the card and a retry reads the channel
back through (the fake's) Microsoft Graph.
"""

from __future__ import annotations

import asyncio
import random
import re
import sys
import json
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from aiohttp import web

from suites.common import (
    FakeSlackServer,
    LeanFakeSlack,
    Report,
    Server,
    command_body,
    distinct_text,
    event_body,
    FakeSlackServer as LoopbackServer,
    integrity,
    post,
    posted_ideas,
    query,
    reaction_event,
    reply_event,
    served,
    signed,
    suite_main,
)
from tests.fake_teams import FakeTeams
from tests.teams_cards import CardLog
from tests.teams_requests import JWKS

CONCURRENCY = 8
COUNTS = re.compile(r"(\d+) votes?.*?(\d+) comments?")


def stored(db_path: Path) -> tuple[set, set]:
    votes = {(i, u) for i, u in query(db_path, "SELECT idea_id, user_id FROM votes")}
    comments = {m for (m,) in query(db_path, "SELECT message_id FROM comments")}
    return votes, comments


async def counts_after_next_update(session, server, fake, messages, idea_of, acked_votes, tag: str) -> dict:
    """One more vote on every idea; then every message must come to show the database's counts."""
    for n, ts in enumerate(messages):
        body = event_body(reaction_event(f"U{tag}{n}", ts))
        status, _ = await post(session, server.url, body, signed(body, "application/json"))
        if status == 200:
            acked_votes.add((idea_of[ts], f"U{tag}{n}"))
    mismatched = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        mismatched = {}
        for ts in messages:
            row = query(server.db_path, "SELECT (SELECT count(*) FROM votes WHERE idea_id = ?), "
                                        "(SELECT count(*) FROM comments WHERE idea_id = ?)", (idea_of[ts], idea_of[ts]))[0]
            shown = COUNTS.search(fake.last_text.get(ts, ""))
            shown = (int(shown[1]), int(shown[2])) if shown else None
            if shown != tuple(row):
                mismatched[ts] = (shown, tuple(row))
        if not mismatched:
            return {}
        await asyncio.sleep(0.25)
    return mismatched


async def run(quick: bool = False) -> Report:
    report = Report("crash safety")
    total, kills_wanted = (600, 5) if quick else (50_000, 200)
    rng = random.Random(3)
    async with served("crash") as (server, fake, session):
        messages = await posted_ideas(session, server, 10)
        idea_of = {ts: i for i, ts in query(server.db_path, "SELECT id, message_id FROM ideas")}
        acked_votes: set = set()
        acked_comments: set = set()
        retry: list = []  # (body, key, attempt) cut off by a kill
        made = 0
        kills = answered = lost_answers = 0
        missing_total = 0
        checks_bad: list[str] = []
        count_checks = 0

        def next_request():
            nonlocal made
            if retry:
                return retry.pop()
            made += 1
            ts = rng.choice(messages)
            if rng.random() < 0.7:
                user = f"UV{made}"
                return event_body(reaction_event(user, ts)), ("vote", (idea_of[ts], user)), 0
            reply_ts = f"1900000000.{made:06d}"
            return event_body(reply_event(f"UC{made % 97}", ts, f"crash comment {made}", reply_ts)), \
                ("comment", reply_ts), 0

        while made < total or kills < kills_wanted or retry:
            per_epoch = max(1, total // kills_wanted)
            kill_after = rng.randint(per_epoch // 2, per_epoch * 3 // 2) if kills < kills_wanted else None
            sent = 0
            stop = asyncio.Event()

            async def worker() -> None:
                nonlocal sent, answered, lost_answers
                while not stop.is_set() and (made < total or retry):
                    body, (kind, key), attempt = next_request()
                    extra = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"} if attempt else {}
                    sent += 1
                    try:
                        status, _ = await post(session, server.url, body, signed(body, "application/json", **extra))
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        status = 0
                    if 200 <= status < 300:
                        answered += 1
                        (acked_votes if kind == "vote" else acked_comments).add(key)
                    else:
                        lost_answers += 1
                        retry.append((body, (kind, key), min(attempt + 1, 3)))
                        if stop.is_set() or server.process.poll() is not None:
                            return

            async def killer() -> None:
                nonlocal kills
                if kill_after is None:
                    return
                while sent < kill_after and (made < total or retry):
                    await asyncio.sleep(0.001)
                await asyncio.sleep(rng.random() * 0.02)
                server.kill()
                kills += 1
                stop.set()

            await asyncio.gather(killer(), *(worker() for _ in range(CONCURRENCY)))
            if server.process.poll() is not None:
                await server.start()
            votes, comments = stored(server.db_path)
            missing = len(acked_votes - votes) + len(acked_comments - comments)
            missing_total += missing
            verdict = integrity(server.db_path)
            if missing or verdict != "ok":
                checks_bad.append(f"after kill {kills}: {missing} acknowledged missing, integrity {verdict}")
            if kills % 20 == 0 and kill_after is not None:  # the counts check costs a second or two
                count_checks += 1
                wrong = await counts_after_next_update(session, server, fake, messages, idea_of,
                                                       acked_votes, f"CHECK{kills}N")
                if wrong:
                    checks_bad.append(f"after kill {kills}: message counts differ from the db: {wrong}")
            if made >= total and kills < kills_wanted:
                total += per_epoch  # keep streaming until enough kills happened

        mismatched = await counts_after_next_update(session, server, fake, messages, idea_of, acked_votes, "FINAL")
        votes, comments = stored(server.db_path)
        report.figure("requests answered 2xx", answered)
        report.figure("requests cut off and redelivered", lost_answers)
        report.figure("kills", kills)
        report.figure("message-count checks after a restart", count_checks + 1)
        report.figure("votes / comments stored", f"{len(votes)} / {len(comments)}")
        report.figure("acknowledged but missing", missing_total + len(acked_votes - votes))
        report.promise(kills >= kills_wanted, f"only {kills} kills")
        report.promise(answered >= total * 0.99, f"only {answered} of {total} requests answered")
        report.promise(not checks_bad, "; ".join(checks_bad[:5]))
        report.promise(not (acked_votes - votes) and not (acked_comments - comments),
                       "an acknowledged request is missing at the end")
        report.promise(integrity(server.db_path) == "ok", "integrity_check failed at the end")
        report.promise(not mismatched, f"messages whose counts differ from the db: {mismatched}")
    await posting_under_kills(report, quick)
    await teams_posting_under_kills(report, quick)
    return report


class LandsBeforeAnswering(LeanFakeSlack):
    """A post to the ideas channel lands at once; Slack's answer comes `delay` seconds later."""

    delay = 0.15

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            args = await self._args(request)
            answer = self._answer("chat.postMessage", args)
            self.counts["posts to the ideas channel"] = self.counts.get("posts to the ideas channel", 0) + (
                args.get("channel") == "C0IDEAS")
            await asyncio.sleep(self.delay if args.get("channel") == "C0IDEAS" else 0)
            return web.json_response(answer)
        return await super()._api(request)


def claims_posted(fake: LandsBeforeAnswering) -> Counter:
    return Counter(m["metadata"]["event_payload"]["claim"] for m in fake.history.get("C0IDEAS", []) if m.get("metadata"))


async def posting_under_kills(report: Report, quick: bool) -> None:
    ideas_wanted, kills_wanted = (30, 3) if quick else (400, 40)
    rng = random.Random(11)
    form = "application/x-www-form-urlencoded"
    with tempfile.TemporaryDirectory(prefix="herobot-crash-posting-") as tmp:
        async with FakeSlackServer(LandsBeforeAnswering()) as fake:
            server = Server(Path(tmp), Path(tmp) / "posting.db", fake.base_url)
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    async def send(n: int) -> int:
                        body = command_body(distinct_text(100_000 + n), user=f"UPOSTER{n % 13}")
                        status, _ = await post(session, server.url, body, signed(body, form))
                        return status

                    acked, kills = await post_under_kills(server, send, rng, fake.delay, quick, ideas_wanted,
                                                          kills_wanted)
            finally:
                server.stop()
            report_posting(report, server.db_path, quick, acked, kills, claims_posted(fake), "posting: ", "", {
                "posts to the ideas channel": fake.counts.get("posts to the ideas channel", 0),
                "claims found on a retry": fake.counts.get("conversations.history", 0)})


async def post_under_kills(server: Server, send: Callable[[int], Awaitable[int]], rng: random.Random, delay: float,
                           quick: bool, ideas_wanted: int, kills_wanted: int) -> tuple[int, int]:
    """Sends ideas 0, 1, … with `send` (its HTTP status), SIGKILLs the server while some idea's post is in flight
    and starts it again, then waits for the outbox to drain. Answers (ideas acknowledged, kills)."""
    acked, kills, n = 0, 0, 0
    while n < ideas_wanted:
        kill_at = n + rng.randint(1, max(1, 2 * ideas_wanted // kills_wanted)) if kills < kills_wanted else ideas_wanted
        while n < min(kill_at, ideas_wanted):
            request = asyncio.ensure_future(send(n))
            n += 1
            if n == kill_at and kills < kills_wanted:  # kill while this idea's post is in flight
                await asyncio.sleep(0.02 + rng.random() * delay)
                server.kill()
                kills += 1
            try:
                status = await request
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
            acked += 200 <= status < 300
        if server.process.poll() is not None:
            await server.start()
    deadline = time.monotonic() + (2 if quick else 420)  # a cut-off attempt is held 3 minutes
    while time.monotonic() < deadline:
        if query(server.db_path, "SELECT count(*) FROM outbox")[0][0] == 0:
            break
        await asyncio.sleep(1)
    return acked, kills


def report_posting(report: Report, db_path: Path, quick: bool, acked: int, kills: int, claims: Counter, figure: str,
                   promise: str, platform_figures: dict[str, object]) -> None:
    """What posting under kills stored and posted; `figure` and `promise` prefix the figures and broken promises,
    `platform_figures` (name: value) come between the kills and the outbox."""
    stored = query(db_path, "SELECT count(*) FROM ideas WHERE text LIKE 'n1%'")[0][0]
    left = query(db_path, "SELECT count(*) FROM outbox")[0][0]
    unposted = query(db_path, "SELECT count(*) FROM ideas WHERE message_id IS NULL")[0][0]
    twice = sum(1 for count in claims.values() if count > 1)
    report.figure(f"{figure}ideas acknowledged / stored", f"{acked} / {stored}")
    report.figure(f"{figure}kills between a post and its record", kills)
    for name, value in platform_figures.items():
        report.figure(figure + name, value)
    report.figure(f"{figure}still in the outbox at the end", left)
    report.promise(stored >= acked, f"{promise}an acknowledged idea was not stored")
    report.promise(twice == 0, f"{promise}{twice} ideas were posted twice")
    report.promise(unposted == left, f"{promise}an unposted idea is missing from the outbox")
    if not quick:
        report.promise(left == 0, f"{promise}{left} ideas were still not posted after the outbox's retries")


TEAMS_TENANT = "72f988bf-0000-4000-8000-000000000001"
TEAMS_IDEAS = "19:ideas@thread.tacv2"
TEAMS_TEAM = {"id": "19:team-support@thread.tacv2", "aadGroupId": "8c1a4e2f-3b5d-4e6f-9a7b-1c2d3e4f5a6b"}


class TeamsLandsBeforeAnswering(FakeTeams):
    """A card sent to the ideas channel lands at once; the Bot Connector's answer comes `delay` seconds later."""

    delay = 0.15

    async def _send(self, request: web.Request) -> web.Response:
        call, failure = await self._record(request, "send")
        if failure:
            return failure
        self._deliver(call)
        self.cards.cards.clear()  # the suite counts posts, it does not keep every card
        if call.conversation == TEAMS_IDEAS:
            self.counts["posts to the ideas channel"] = self.counts.get("posts to the ideas channel", 0) + 1
            await asyncio.sleep(self.delay)
        return web.json_response({"id": call.activity_id}, status=201)

    async def _graph_messages(self, request: web.Request) -> web.Response:
        self.counts["graph reads"] = self.counts.get("graph reads", 0) + 1
        return await super()._graph_messages(request)


def teams_activity(fake: FakeTeams, user: str, text: str, conversation: str, kind: str, team: dict | None = None):
    return {"type": "message", "id": f"{time.time_ns()}", "channelId": "msteams", "serviceUrl": fake.service_url,
            "from": {"id": f"29:{user}", "name": f"Person {user}",
                     "aadObjectId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"herobot-crash:{user}"))},
            "conversation": {"id": conversation, "conversationType": kind, "tenantId": TEAMS_TENANT},
            "recipient": {"id": "28:bot", "name": "herobot"}, "text": text, "textFormat": "plain",
            "channelData": {"tenant": {"id": TEAMS_TENANT}, **({"team": team} if team else {})}}


def teams_claims_posted(fake: FakeTeams) -> Counter:
    claims: Counter = Counter()
    for message in fake.messages.get(TEAMS_IDEAS, []):
        for attachment in message["attachments"]:
            body = json.loads(attachment["content"]).get("body") or []
            claims.update(b["id"] for b in body if str(b.get("id", "")).startswith("herobot-claim-"))
    return claims


async def teams_posting_under_kills(report: Report, quick: bool) -> None:
    ideas_wanted, kills_wanted = (30, 3) if quick else (400, 40)
    rng = random.Random(13)
    fake = TeamsLandsBeforeAnswering(JWKS, CardLog("crash-teams"))
    fake.counts = {}
    fake.graph_needs_token = False  # the server runs with HEROBOT_TEAMS_ANONYMOUS: nothing signed in or out
    fake.team_groups[TEAMS_TEAM["id"]] = TEAMS_TEAM["aadGroupId"]
    with tempfile.TemporaryDirectory(prefix="herobot-crash-teams-") as tmp:
        async with FakeSlackServer(LandsBeforeAnswering()) as slack, LoopbackServer(fake):
            server = Server(Path(tmp), Path(tmp) / "teams.db", slack.base_url, extra_env={
                "HEROBOT_TEAMS_ANONYMOUS": "1", "MICROSOFT_APP_TENANT_ID": TEAMS_TENANT,
                "MICROSOFT_GRAPH_URL": fake.graph_url})
            (Path(tmp) / "herobot.toml").write_text(f'[teams]\nideas_channel = "{TEAMS_IDEAS}"\n')
            await server.start()
            try:
                async with aiohttp.ClientSession() as session:
                    async def send_activity(activity: dict) -> int:
                        async with session.post(server.url + "/api/messages", json=activity) as response:
                            return response.status

                    async def send(n: int) -> int:
                        user = f"UPOSTER{n % 13}"
                        return await send_activity(teams_activity(fake, user, f"idea {distinct_text(100_000 + n)}",
                                                                  f"a:personal-{user}", "personal"))

                    hello = teams_activity(fake, "U0", "morning", f"{TEAMS_IDEAS};messageid=1", "channel", TEAMS_TEAM)
                    assert await send_activity(hello) == 200  # the bot learns the ideas channel's team
                    acked, kills = await post_under_kills(server, send, rng, fake.delay, quick, ideas_wanted,
                                                          kills_wanted)
            finally:
                server.stop()
            report_posting(report, server.db_path, quick, acked, kills, teams_claims_posted(fake), "teams posting: ",
                           "teams: ", {"cards in the ideas channel": fake.counts.get("posts to the ideas channel", 0),
                                       "Graph reads on a retry": fake.counts.get("graph reads", 0)})


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
