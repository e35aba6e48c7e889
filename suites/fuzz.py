"""Suite 6: fuzzing the payload parsers with hypothesis → no uncaught exception.

Targets (add one per platform parser, e.g. Teams, to TARGETS):
- slack.parse: any text as a form or JSON body through `read_body`, then every parse function a
  listener calls on what it accepted. Only `Malformed` may come out.
- slack.http: signed fuzzed bodies through the real aiohttp app and Bolt → never a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot import hero
from bot.errors import Refused
from handlers.slack import parse
from suites.common import Report, parse_args

junk = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=6)


def field(valid) -> st.SearchStrategy:
    """Mostly the right kind of value, sometimes anything."""
    return st.one_of(valid, valid, valid, junk)


def text_field() -> st.SearchStrategy:
    return field(st.text(max_size=30) | st.sampled_from(["U1", "C0IDEAS", "1700000001.000100", "+1", "/idea"]))


def obj(**fields) -> st.SearchStrategy:
    return field(st.fixed_dictionaries({}, optional=fields))


command = st.fixed_dictionaries({}, optional={
    "command": field(st.sampled_from(["/idea", "/hero", "idea", ""])), "user_id": text_field(),
    "text": field(st.sampled_from(["", "anon", "anon x", "top week", "show 1", "show x", "payload"]) | st.text(max_size=40)),
    "channel_id": text_field(), "trigger_id": text_field(), "response_url": text_field(), "team_id": text_field()})
event = st.fixed_dictionaries({"type": field(st.sampled_from(["reaction_added", "reaction_removed", "message", "x"]))},
                              optional={"user": text_field(), "reaction": text_field(), "ts": text_field(),
                                        "thread_ts": text_field(), "text": text_field(), "channel": text_field(),
                                        "subtype": text_field(), "bot_id": text_field(),
                                        "item": obj(type=field(st.just("message")), channel=text_field(), ts=text_field())})
callback = st.fixed_dictionaries({"type": field(st.just("event_callback"))},
                                 optional={"event_id": text_field(), "event": field(event)})
interaction = st.fixed_dictionaries({"type": field(st.sampled_from(["block_actions", "view_submission", "shortcut"]))}, optional={
    "user": obj(id=text_field()), "channel": obj(id=text_field()), "container": obj(channel_id=text_field()),
    "response_url": text_field(), "trigger_id": text_field(),
    "actions": field(st.lists(obj(action_id=field(st.sampled_from(["idea_vote", "x"])), value=text_field()), max_size=2)),
    "view": obj(callback_id=field(st.just("idea_form")), private_metadata=field(st.text(max_size=30) | st.just('{"channel": "C1"}')),
                state=obj(values=field(st.dictionaries(st.sampled_from(["problem", "solution", "mission_goal", "anonymous"]),
                                                       obj(value=obj(value=text_field(), selected_option=junk,
                                                                     selected_options=junk)), max_size=4))))})


@st.composite
def bodies(draw) -> tuple[str, str]:
    """(body text, content type) as Slack might send them, and as it never would."""
    kind = draw(st.sampled_from(["command", "event", "interaction", "text"]))
    if kind == "command":
        return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in draw(command).items()}), \
            "application/x-www-form-urlencoded"
    if kind == "event":
        return json.dumps(draw(callback)), draw(st.sampled_from(["application/json", "text/plain"]))
    if kind == "interaction":
        return urlencode({"payload": json.dumps(draw(interaction))}), "application/x-www-form-urlencoded"
    return draw(st.text(max_size=80)), draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded", ""]))


def exercise(data: dict) -> None:
    """What the listeners read from an accepted payload, in the order they read it."""
    if "command" in data:
        parse.origin_of_command(data)
        parse.draft_from_command(data.get("text", ""))
        return
    kind = data.get("type")
    if kind == "event_callback":
        event_ = data["event"]
        if event_["type"] in ("reaction_added", "reaction_removed"):
            parse.reaction_name(event_.get("reaction", ""))
            (event_.get("item") or {}).get("channel", "")
        elif event_["type"] == "message" and parse.is_thread_reply(event_):
            event_["user"], event_["thread_ts"], event_["ts"], event_.get("text") or ""
    elif kind == "block_actions":
        parse.origin_of_action(data)
        try:
            hero.parse_idea_number(data["actions"][0].get("value", ""))
        except Refused:
            pass
    elif kind == "view_submission":
        parse.origin_of_view(data)
        parse.draft_from_view(data["view"])


def parse_target(body: str, content_type: str) -> None:
    try:
        data = parse.read_body(body, content_type)
    except parse.Malformed:
        return
    exercise(data)


def mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One to four byte-level edits, or a splice with another seed."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        i = rng.randrange(len(data) + 1)
        if choice == 0 and data:
            data[min(i, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif choice == 1:
            data[i:i] = bytes([rng.choice(b'{}[]":,=&%0-9aZ\\\x00\xff')])
        elif choice == 2:
            del data[i:i + rng.randint(1, 8)]
        elif choice == 3:
            data[i:i] = data[max(0, i - 8):i]
        elif choice == 4:
            j = rng.randrange(len(other) + 1)
            data = data[:i] + other[j:]
        else:
            data[i:i] = rng.choice([b'null', b'[]', b'{}', b'7', b'"x"', b'%7B', b'payload=', b'&command=%2Fidea'])
    return bytes(data)


def run_mutations(seeds: list[tuple[str, str]], count: int, failures: list) -> int:
    """The bulk of the inputs: mutations of hypothesis' cases, fast enough for a million."""
    rng = random.Random(6)
    encoded = [(body.encode("utf-8", "surrogatepass"), kind) for body, kind in seeds]
    for _ in range(count):
        body, kind = rng.choice(encoded)
        case = (mutate(rng, body, rng.choice(encoded)[0]).decode("utf-8", "replace"), kind)
        try:
            parse_target(*case)
        except Exception as error:
            if len(failures) < 20:
                failures.append(f"{type(error).__name__}: {error} for {case!r:.300}")
    return count


def run_parse(examples: int, failures: list, seeds: list | None = None) -> int:
    seen = 0

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(bodies())
    def check(case):
        nonlocal seen
        seen += 1
        if seeds is not None:
            seeds.append(case)
        try:
            parse_target(*case)
        except Exception as error:  # report and go on: one run shows every kind of failure
            if len(failures) < 20:
                failures.append(f"{type(error).__name__}: {error} for {case!r:.300}")

    check()
    return seen


async def run_http(seeds: list, examples: int, failures: list) -> tuple[int, Counter]:
    """Signed fuzzed bodies (hypothesis' cases, then mutations of them) through the real app → never a 5xx."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Config, Settings
    from handlers.web import create_app
    from suites.common import CONFIG, SECRET, FakeSlackServer, signed
    import tomllib

    rng = random.Random(61)
    cases = list(seeds[:examples])
    encoded = [(body.encode("utf-8", "surrogatepass"), kind) for body, kind in seeds]
    while len(cases) < examples:
        body, kind = rng.choice(encoded)
        cases.append((mutate(rng, body, rng.choice(encoded)[0]).decode("utf-8", "replace"), kind))
    statuses: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="herobot-fuzz-") as tmp:
        async with FakeSlackServer() as fake:
            app_settings = Settings(slack_bot_token="xoxb-fuzz", slack_signing_secret=SECRET,
                                    slack_api_url=fake.base_url + "/api/", db_path=str(Path(tmp) / "fuzz.db"))
            async with TestClient(TestServer(create_app(app_settings, Config.from_dict(tomllib.loads(CONFIG))))) as client:
                for body, kind in cases:
                    raw = body.encode("utf-8", "surrogatepass")
                    response = await client.post("/slack/events", data=raw, headers=signed(raw, kind or "text/plain"))
                    statuses[response.status] += 1
                    if response.status >= 500 and len(failures) < 20:
                        failures.append(f"HTTP {response.status} for {(body, kind)!r:.300}")
    return len(cases), statuses


TARGETS = ("slack.parse", "slack.http")


async def run(quick: bool = False, total: int | None = None) -> Report:
    report = Report("fuzzing the payload parsers")
    total = total or (3_000 if quick else 1_000_000)
    http_share = min(20_000, total // 10)
    failures: list[str] = []
    started = time.monotonic()
    seeds: list = []
    generated = run_parse(min(6_000, total // 10), failures, seeds)
    report.figure("slack.parse inputs from hypothesis", generated)
    report.figure("hypothesis inputs/s", round(generated / (time.monotonic() - started)))
    started = time.monotonic()
    mutated = run_mutations(seeds, total - http_share - generated, failures)
    report.figure("slack.parse mutations of them", mutated)
    report.figure("mutations/s", round(mutated / max(time.monotonic() - started, 1e-9)))
    parsed = generated + mutated
    sent, statuses = await run_http(seeds, http_share, failures)
    report.figure("slack.http inputs", sent)
    report.figure("slack.http statuses", dict(sorted(statuses.items())))
    report.figure("inputs in total", parsed + sent)
    report.promise(not failures, "uncaught: " + " | ".join(failures[:8]))
    report.promise(parsed + sent >= total * 0.95, f"only {parsed + sent} inputs were generated")
    return report


def main(argv: list[str] | None = None) -> int:
    report = asyncio.run(run(parse_args(argv)))
    report.print()
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
