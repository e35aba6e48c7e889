"""Suite 1: forged and malformed requests against `herobot serve`.

Every forged request gets a 4xx (401 for signature faults), none a 5xx, and the database
is byte-for-byte unchanged (a digest of its full dump). Teams activities from another Bot
Framework channel or tenant, and bodies that are no activity, get a 4xx too (the server runs
Teams without authentication, so the channel and tenant gates alone must hold). Then
timestamps 299 s off either way, with a good signature, are accepted; a replayed signed
request has no second effect; and a well-formed Teams activity passes the gates.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter

import aiohttp

from suites.common import (
    CHANNEL,
    SECRET,
    Report,
    command_body,
    dump_digest,
    event_body,
    post,
    posted_ideas,
    query,
    reaction_event,
    reply_event,
    served,
    signed,
    suite_main,
)
from tests.slack_requests import sign

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def templates(ts: str) -> list[tuple[bytes, str]]:
    """Valid requests (which would act) to forge from."""
    from urllib.parse import urlencode
    click = {"type": "block_actions", "user": {"id": "U9"}, "team": {"id": "T1"}, "api_app_id": "A1",
             "channel": {"id": CHANNEL}, "container": {"type": "message", "channel_id": CHANNEL, "message_ts": ts},
             "actions": [{"type": "button", "action_id": "idea_vote", "block_id": "b", "value": "1"}],
             "trigger_id": "t", "token": "legacy"}
    return [
        (command_body("A forged idea", user="U9"), FORM),
        (command_body("1", user="U9", command="/hero"), FORM),
        (event_body(reaction_event("U9", ts)), JSON),
        (event_body(reply_event("U9", ts, "forged comment", f"{time.time():.6f}")), JSON),
        (urlencode({"payload": json.dumps(click)}).encode(), FORM),
    ]


def _wrong_value(rng: random.Random):
    return rng.choice([None, 7, 3.5, True, [], ["x"], {}, {"id": []}, "", "x" * 5000, "\u0000\ud7ff"])


def _mutate_structure(rng: random.Random, body: bytes, kind: str) -> tuple[bytes, str]:
    """A signed request whose payload is malformed: a required field gone or of the wrong type."""
    from urllib.parse import parse_qsl, urlencode
    if kind == FORM:
        fields = dict(parse_qsl(body.decode()))
        if "payload" in fields:
            payload = json.loads(fields["payload"])
            victim = rng.choice(["type", "user", "actions", "channel", "container"])
            if rng.random() < 0.5 or victim == "type":
                payload[victim] = _wrong_value(rng) if victim != "type" else rng.choice(["", "who_knows", 5, None])
            else:
                payload.pop(victim)
            if victim in ("channel", "container") and payload.get(victim) is not None and payload.get(victim) != {}:
                payload[victim] = rng.choice([[], 5, "C1"])
            if victim in ("channel", "container"):  # both gone or broken: no channel at all
                payload["channel"] = rng.choice([[], 5, "C1"])
                payload["container"] = rng.choice([[], 5, "C1"])
            fields["payload"] = json.dumps(payload)
        else:
            victim = rng.choice(["command", "user_id", "text"])
            if rng.random() < 0.5:
                fields.pop(victim)
            else:
                fields[victim] = "" if victim != "text" else None
                if fields[victim] is None:
                    fields.pop(victim)
        return urlencode(fields).encode(), FORM
    data = json.loads(body)
    event = data["event"]
    victim = rng.choice(["type", "event", "event_id", "event.type", "event.user", "event.item", "event.ts",
                         "event.text", "event.thread_ts"])
    if victim in ("event.item",) and event["type"] == "message":
        victim = "event.ts"
    if victim in ("event.ts", "event.text", "event.thread_ts") and event["type"] != "message":
        victim = "event.item"
    if victim.startswith("event."):
        key = victim.split(".", 1)[1]
        event[key] = rng.choice([7, [], {}, True, 3.5])  # None would be a legal absent optional field
    elif victim == "type":
        data["type"] = rng.choice(["", "who_knows", 5, None, []])
    else:
        data[victim] = rng.choice([None, 5, [], "x", ""]) if victim == "event" else rng.choice([None, 5, []])
    return json.dumps(data).encode(), JSON


TEAMS_TENANT = "72f988bf-0000-4000-8000-000000000001"
TEAMS_SERVICE = "http://127.0.0.1:9/"  # nothing listens: the bot's own sends fail quietly in the background


def teams_activity(text: str = "idea A forged idea", channel_id="msteams", tenant=TEAMS_TENANT) -> dict:
    conversation = {"id": "a:personal-forged", "conversationType": "personal"}
    if tenant is not None:
        conversation["tenantId"] = tenant
    return {"type": "message", "id": f"{time.time_ns()}", "channelId": channel_id, "serviceUrl": TEAMS_SERVICE,
            "from": {"id": "29:forger", "name": "A manager", "aadObjectId": "00000000-0000-4000-8000-00000000beef"},
            "conversation": conversation, "recipient": {"id": "28:bot", "name": "herobot"}, "text": text,
            "channelData": {"tenant": {"id": tenant}} if tenant is not None else {}}


def forged_teams(rng: random.Random) -> tuple[str, bytes]:
    """(category, body) of a Teams request that must be refused with a 4xx."""
    category = rng.choice(["other channel", "other tenant", "no tenant", "tenants disagree", "tenant not text",
                           "deep nesting", "not an activity"])
    if category == "other channel":
        activity = teams_activity(channel_id=rng.choice(["directline", "webchat", "emulator", "MSTEAMS", "", None, 7]))
    elif category == "other tenant":
        activity = teams_activity(tenant=rng.choice(["00000000-0000-4000-8000-0000000000ff", "", "common"]))
    elif category == "no tenant":
        activity = teams_activity(tenant=None)
    elif category == "tenants disagree":
        activity = teams_activity()
        activity["conversation"]["tenantId"] = "00000000-0000-4000-8000-0000000000ff"
    elif category == "tenant not text":
        activity = teams_activity()
        activity["channelData"]["tenant"]["id"] = rng.choice([{"id": TEAMS_TENANT}, [TEAMS_TENANT], 7, True])
    elif category == "deep nesting":
        depth = rng.choice([1_000, 10_000, 100_000])
        return category, rng.choice([b"[" * depth, b'{"a":' * depth, b'{"type": "message", "value": ' + b"[" * depth])
    else:
        return category, rng.choice([b"", b"null", b"[]", b'"x"', b"{", b"\xff\xfe", json.dumps({"type": "message"}).encode()])
    return category, json.dumps(activity).encode()


async def post_teams(session: aiohttp.ClientSession, url: str, body: bytes) -> int:
    async with session.post(url + "/api/messages", data=body, headers={"Content-Type": "application/json"}) as response:
        return response.status


def forged(rng: random.Random, ts: str) -> tuple[str, bytes, dict, bool]:
    """(category, body, headers, is a signature fault)."""
    body, kind = rng.choice(templates(ts))
    now = int(time.time())
    category = rng.choice(["flipped byte", "wrong secret", "stale", "future", "no timestamp", "no signature",
                           "non-numeric timestamp", "long timestamp", "non-ascii signature", "truncated body",
                           "malformed json", "malformed form", "unknown type", "wrong field", "not utf-8",
                           "oversized body", "wrong content type"] + ["wrong field"] * 3)
    if category == "oversized body" and rng.random() < 0.8:
        category = "truncated body"  # keep 1 MB bodies rare
    signature_fault = True
    if category == "flipped byte":
        headers = signed(body, kind)
        data = bytearray(body)
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
        body = bytes(data)
    elif category == "wrong secret":
        headers = signed(body, kind, secret=rng.choice(["", "x", SECRET[:-1], SECRET + "x", SECRET.upper()]))
    elif category in ("stale", "future"):
        skew = rng.choice([301, 302, 400, 3600, 86400 * 365, now])
        headers = {"Content-Type": kind, **sign(body, secret=SECRET,
                                                # a future one gets 5 s of margin: sent late under load, 301 s
                                                # ahead would age into the window and rightly be accepted
                                                timestamp=now - skew if category == "stale" else now + skew + 5)}
    elif category == "no timestamp":
        headers = signed(body, kind)
        headers.pop("X-Slack-Request-Timestamp")
    elif category == "no signature":
        headers = signed(body, kind)
        headers.pop("X-Slack-Signature")
        if rng.random() < 0.3:
            headers.pop("X-Slack-Request-Timestamp")
    elif category == "non-numeric timestamp":
        headers = signed(body, kind)
        headers["X-Slack-Request-Timestamp"] = rng.choice(
            ["", "yesterday", "-1", "+1", f"{now}.5", "1e9", "0x6553f100", "١٢٣", "NaN"])
    elif category == "long timestamp":
        headers = signed(body, kind)
        headers["X-Slack-Request-Timestamp"] = rng.choice(["9", "0", "1"]) * rng.choice([13, 40, 5000])
    elif category == "non-ascii signature":
        headers = signed(body, kind)
        good = headers["X-Slack-Signature"]
        i = rng.randrange(3, len(good))
        headers["X-Slack-Signature"] = good[:i] + rng.choice("üé漢字ß€\u00a0") + good[i + 1:]
    elif category == "truncated body":
        headers = signed(body, kind)
        body = body[:rng.randrange(len(body))]
    elif category == "oversized body":
        big = body + b"&x=" + b"a" * (1024 * 1024 + rng.randrange(1000))
        headers, body = signed(big, kind), big
        signature_fault = False
    else:
        signature_fault = False
        if category == "malformed json":
            text = rng.choice([b"{", b"[]", b"null", b"7", b'"x"', b'{"type": }', body[:-1], b"{\"type\": \"event_callback\""])
            body, kind = text, JSON
        elif category == "malformed form":
            body = rng.choice([b"payload=%7Bnot-json", b"payload=%5B%5D", b"payload=null", b"payload=7", b"=&=&",
                               b"payload=" + b"%7B" * 50, b"%%%%", b"command"])
            kind = FORM
        elif category == "unknown type":
            body = json.dumps({"type": rng.choice(["who_knows", "app_rate_limited_x", "", "block_actions"]),
                               "token": "legacy"}).encode()
            kind = JSON
        elif category == "wrong field":
            body, kind = _mutate_structure(rng, body, kind)
        elif category == "not utf-8":
            body = rng.choice([b"\xff\xfe\x00", b"payload=\xc3\x28", b"command=%2Fidea&text=\xff&user_id=U9"])
        elif category == "wrong content type":
            kind = rng.choice(["text/plain", "application/xml", ""])
            body = b"<xml/>" if kind != "" else b"\x00\x01"
        headers = signed(body, kind)
    headers = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}
    return category, body, headers, signature_fault


async def run(quick: bool = False) -> Report:
    report = Report("forged and malformed requests")
    total = 300 if quick else 10_000
    rng = random.Random(7)
    async with served("forged", HEROBOT_TEAMS_ANONYMOUS="1", MICROSOFT_APP_TENANT_ID=TEAMS_TENANT) as (
            server, fake, session):
        (ts,) = await posted_ideas(session, server, 1)
        await asyncio.sleep(0.5)  # let the poster's note and link settle
        before = dump_digest(server.db_path)
        statuses: Counter = Counter()
        wrong: Counter = Counter()
        samples: dict[str, str] = {}
        left = total

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                teams = rng.random() < 0.2
                if teams:
                    (category, body), headers, signature_fault = forged_teams(rng), {}, False
                else:
                    # made just before sending: a request 301 s in the future must not age into the window
                    category, body, headers, signature_fault = forged(rng, ts)
                try:
                    status = await (post_teams(session, server.url, body) if teams
                                    else post(session, server.url, body, headers))
                    status = status if teams else status[0]
                except aiohttp.ClientError as error:
                    status = 0
                    category += f" ({type(error).__name__})"
                category = f"teams: {category}" if teams else category
                statuses[status] += 1
                expected = status == 401 if signature_fault else 400 <= status < 500
                if not expected:
                    wrong[f"{category} -> {status}"] += 1
                    samples.setdefault(f"{category} -> {status}", body[:300].decode("latin-1"))

        await asyncio.gather(*(worker() for _ in range(8)))
        after = dump_digest(server.db_path)
        report.figure("requests", total)
        report.figure("statuses", dict(sorted(statuses.items())))
        report.promise(not wrong, f"unexpected answers: {dict(wrong)}; samples: {samples}")
        report.promise(not any(s >= 500 for s in statuses), "a forged request got a 5xx")
        report.promise(before == after, "the database changed")
        report.promise(server.process.poll() is None, "the server died")

        ideas_before = query(server.db_path, "SELECT count(*) FROM ideas")[0][0]
        accepted = []
        # two unlike texts: a second similar idea would be held by the duplicate check
        for skew, text in ((-299, "Early signature: refund slips"), (299, "Late clock: parcel lockers")):
            body = command_body(text, user="U8")
            headers = {"Content-Type": FORM, **sign(body, secret=SECRET, timestamp=int(time.time()) + skew)}
            accepted.append((await post(session, server.url, body, headers))[0])
        ideas_after = query(server.db_path, "SELECT count(*) FROM ideas")[0][0]
        report.figure("±299 s answers", accepted)
        report.promise(accepted == [200, 200] and ideas_after == ideas_before + 2,
                       "a good signature 299 s off was not accepted")

        replays = 5 if quick else 50
        votes_before = query(server.db_path, "SELECT count(*) FROM votes")[0][0]
        answers: Counter = Counter()
        for n in range(replays):  # a Vote click, then the very same signed request again
            body, kind = templates(ts)[-1]
            body = body.replace(b"U9", f"UREPLAY{n}".encode())
            headers = signed(body, kind)
            answers["original", (await post(session, server.url, body, headers))[0]] += 1
            answers["replay", (await post(session, server.url, body, headers))[0]] += 1
        votes_after = query(server.db_path, "SELECT count(*) FROM votes")[0][0]
        report.figure("replayed requests", {f"{k} {s}": v for (k, s), v in sorted(answers.items())})
        report.promise(answers == Counter({("original", 200): replays, ("replay", 401): replays})
                       and votes_after == votes_before + replays, "a replayed signed request took effect")

        legit = await post_teams(session, server.url, json.dumps(teams_activity("hero help")).encode())
        report.figure("a Teams activity from msteams and the tenant", legit)
        report.promise(legit == 200, "the Teams gates refused a well-formed activity")
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
