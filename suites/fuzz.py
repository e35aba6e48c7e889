"""Suite 6: fuzzing the payload parsers with hypothesis → no uncaught exception.

Targets (add one per platform parser to TARGETS):
- slack.parse: any text as a form or JSON body through `read_body`, then every parse function a
  listener calls on what it accepted. Only `Malformed` may come out.
- slack.http: signed fuzzed bodies through the real aiohttp app and Bolt → never a 5xx.
- teams.parse: activities (hypothesis' Teams-shaped ones, then byte-level mutations of them) through
  JSON and the SDK's `Activity` model, as `POST /api/messages` reads them, then every function of
  handlers/teams/parse.py a listener calls. Only a refused body (not JSON, not an activity) may come out.
- teams.http: fuzzed activities with a valid Bot Framework token (the tests' JWT set-up, a local
  fake of the Bot Connector and its keys) through the real app's `POST /api/messages` → never a 5xx.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot import grammar, hero
from bot.errors import Refused
from handlers.slack import parse
from suites.common import Report, suite_main

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
        grammar.asks_anonymity(parse.command_text(data))
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
    import tomllib

    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Config, Settings
    from handlers.web import create_app
    from suites.common import CONFIG, SECRET, FakeSlackServer, signed

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


# --- Teams ------------------------------------------------------------------------------------
TEAMS_SERVICE = "http://127.0.0.1:9/"  # replaced by the fake Bot Connector's address for teams.http
TEAMS_TENANT = "72f988bf-0000-4000-8000-000000000001"  # the tests' tenant, the one teams.http configures
conversation_ids = st.sampled_from(["19:ideas@thread.tacv2;messageid=1699000000001", "19:ideas@thread.tacv2",
                                    "a:personal-29:x", "19:x;messageid=", ";messageid=7", ""]) | st.text(min_size=1, max_size=30)
teams_text = (st.sampled_from(["<at>herobot</at> idea Offer callbacks", "<p><at id=\"0\">herobot</at>&nbsp;hero top</p>",
                               "idea anon x", "hero show 3", "problem <b>bold</b> &amp; more", "<at>unclosed", "&#xD800;"])
              | st.text(min_size=1, max_size=40))
def tfield(valid) -> st.SearchStrategy:
    """Mostly the right kind of value, now and then anything (most activities should pass the SDK's model)."""
    return st.sampled_from(range(12)).flatmap(lambda n: junk if n == 11 else valid)


def ttext() -> st.SearchStrategy:
    return tfield(st.text(min_size=1, max_size=30) | st.sampled_from(["U1", "19:ideas@thread.tacv2", "1699000000001", "like"]))


def tobj(**fields) -> st.SearchStrategy:
    return tfield(st.fixed_dictionaries({}, optional=fields))


teams_activity = st.fixed_dictionaries(
    {"type": tfield(st.sampled_from(["message", "invoke", "messageReaction", "conversationUpdate", "typing",
                                     "messageUpdate", "messageDelete", "installationUpdate"])),
     "channelId": st.sampled_from(["msteams"] * 8 + ["msteams:sub", "webchat", "directline", "emulator"]),
     "serviceUrl": st.sampled_from([TEAMS_SERVICE] * 9 + ["http://elsewhere.example/"]),
     "from": tobj(id=ttext(), name=ttext(), aadObjectId=tfield(st.sampled_from(["", "a-guid"]) | st.text(min_size=1, max_size=8))),
     "conversation": tfield(st.fixed_dictionaries({"id": tfield(conversation_ids)}, optional={
         "conversationType": tfield(st.sampled_from(["channel", "personal", "groupChat"])),
         "tenantId": tfield(st.sampled_from([TEAMS_TENANT] * 6 + ["other-tenant", ""])),
         "isGroup": st.booleans()})),
     "id": ttext()},
    optional={
        "timestamp": tfield(st.just("2025-01-01T10:00:00.000Z")),
        "recipient": tobj(id=tfield(st.just("28:bot")), name=ttext()),
        "channelData": tobj(tenant=tobj(id=tfield(st.sampled_from([TEAMS_TENANT] * 6 + ["other-tenant"]))),
                            eventType=tfield(st.sampled_from(["editMessage", "softDeleteMessage", "undeleteMessage"])),
                            team=tobj(id=ttext()), channel=tobj(id=ttext())),
        "text": tfield(teams_text), "textFormat": tfield(st.just("plain")), "replyToId": ttext(),
        "name": tfield(st.sampled_from(["adaptiveCard/action", "task/fetch", ""])),
        "value": tfield(st.fixed_dictionaries({}, optional={"action": tobj(
            type=tfield(st.just("Action.Execute")), verb=tfield(st.sampled_from(["vote", "idea_form", "decide_approve", ""])),
            data=tfield(st.dictionaries(st.sampled_from(["idea", "problem", "solution", "anonymous", "problem_id",
                                                        "mission_goal", "token"]), ttext(), max_size=4)))})),
        "reactionsAdded": tfield(st.lists(tobj(type=tfield(st.sampled_from(["like", "heart", ""]))), max_size=2)),
        "reactionsRemoved": tfield(st.lists(tobj(type=tfield(st.sampled_from(["like", "laugh"]))), max_size=2)),
        "membersAdded": tfield(st.lists(tobj(id=ttext()), max_size=2)),
        "entities": tfield(st.lists(st.one_of(
            tobj(type=tfield(st.just("mention")), text=ttext(), mentioned=tobj(id=ttext(), name=ttext())),
            tobj(type=tfield(st.just("ProductInfo")), id=ttext())), max_size=2)),
    })


@st.composite
def teams_bodies(draw) -> tuple[str, str]:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.text(max_size=80)), "application/json"
    return json.dumps(draw(teams_activity)), "application/json"


def exercise_activity(activity) -> None:
    """What the Teams bot and its listeners read from an activity, in the order they read it."""
    from handlers.teams import parse as teams

    teams.user_of(activity)
    teams.actor(activity)
    teams.origin_of(activity)
    teams.tenant_of(activity)
    if activity.conversation is not None:
        teams.split_thread(activity.conversation.id or "")
    if activity.type == "message":
        word, rest, _ = teams.command_of(activity)
        teams.kind_of(activity)
        teams.text_of(activity)
        teams.is_thread_reply(activity)
        grammar.asks_anonymity(rest)
        teams.plain_text(activity.text)
    elif activity.type == "invoke":
        _, data = teams.action_of(activity)
        teams.draft_from_form(data)
    elif activity.type == "messageReaction":
        [(r.type or "") for r in [*(activity.reactions_added or []), *(activity.reactions_removed or [])]]
    elif activity.type == "conversationUpdate":
        [m.id for m in activity.members_added or []]


def teams_parse_target(body: str, content_type: str = "application/json") -> None:
    """As `POST /api/messages` reads a body: JSON, an object, an `Activity`; anything else is a 400."""
    from handlers.teams.http import read_activity

    try:
        data = json.loads(body)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    activity = read_activity(data)
    if activity is not None:
        exercise_activity(activity)


def run_teams_parse(examples: int, mutations: int, failures: list, seeds: list,
                    derandomize: bool = False) -> tuple[int, int]:
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate], derandomize=derandomize,
              suppress_health_check=list(HealthCheck))
    @given(teams_bodies())
    def check(case):
        seeds.append(case)
        try:
            teams_parse_target(*case)
        except Exception as error:
            if len(failures) < 20:
                failures.append(f"teams.parse {type(error).__name__}: {error} for {case!r:.300}")

    check()
    rng = random.Random(7)
    encoded = [body.encode("utf-8", "surrogatepass") for body, _ in seeds]
    for _ in range(mutations):
        body = mutate(rng, rng.choice(encoded), rng.choice(encoded)).decode("utf-8", "replace")
        try:
            teams_parse_target(body)
        except Exception as error:
            if len(failures) < 20:
                failures.append(f"teams.parse {type(error).__name__}: {error} for {body!r:.300}")
    return len(seeds), mutations


def passes_gates(body: str, tenant: str) -> bool:
    """Whether the activity comes from msteams and names only the configured tenant (at least once)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return False
    if not isinstance(data, dict) or data.get("channelId") != "msteams":
        return False
    channel_data = data.get("channelData") if isinstance(data.get("channelData"), dict) else {}
    named = channel_data.get("tenant") if isinstance(channel_data.get("tenant"), dict) else {}
    conversation = data.get("conversation") if isinstance(data.get("conversation"), dict) else {}
    tenants = [t for t in (named.get("id"), conversation.get("tenantId")) if t is not None]
    return bool(tenants) and all(t == tenant for t in tenants)


async def run_teams_http(seeds: list, examples: int, failures: list) -> tuple[int, Counter]:
    """Fuzzed activities with a valid token through the real app's POST /api/messages → never a 5xx."""
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Config, Settings
    from handlers.web import create_app
    from tests.fake_teams import FakeTeams
    from tests.teams_cards import CardLog
    from tests.teams_requests import APP_ID, IDEAS_CHANNEL, JWKS, TENANT, Teams

    class Tokens:  # stands in for MSAL, as in the tests
        async def get_access_token(self, resource_url, scopes, force_refresh=False) -> str:
            return "outbound-fuzz-token"

    rng = random.Random(71)
    cases = [body for body, _ in seeds[:examples]]
    encoded = [body.encode("utf-8", "surrogatepass") for body, _ in seeds]
    statuses: Counter = Counter()
    fake = FakeTeams(JWKS, CardLog("fuzz"))
    runner = web.AppRunner(fake.app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    # the fuzzed activities name the fake as their service, so their token matches and they get parsed
    cases = [body.replace(TEAMS_SERVICE, fake.service_url) for body in cases]
    encoded = [body.replace(TEAMS_SERVICE.encode(), fake.service_url.encode()) for body in encoded]
    while len(cases) < examples:
        cases.append(mutate(rng, rng.choice(encoded), rng.choice(encoded)).decode("utf-8", "replace"))
    cases += ["[" * 100_000, '{"a":' * 50_000, '{"type": "message", "value": ' + "[" * 20_000]  # RecursionError once
    try:
        with tempfile.TemporaryDirectory(prefix="herobot-fuzz-teams-") as tmp:
            app_settings = Settings(db_path=str(Path(tmp) / "fuzz.db"), microsoft_app_id=APP_ID,
                                    microsoft_app_password="fuzz-secret", microsoft_app_tenant_id=TENANT,
                                    teams_openid_url=fake.openid_url, teams_retry_delay=0.01)
            config = Config.from_dict({"teams": {"ideas_channel": IDEAS_CHANNEL},
                                       "roles": {"managers": ["U0MGR1"]}, "voting": {"threshold": 3}})
            app = create_app(app_settings, config, teams_tokens=Tokens())
            async with TestClient(TestServer(app)) as client:
                token = Teams(client, fake, fake.cards).token()
                for body in cases:
                    raw = body.encode("utf-8", "surrogatepass")
                    response = await client.post("/api/messages", data=raw, headers={
                        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
                    statuses[response.status] += 1
                    if response.status >= 500 and len(failures) < 20:
                        failures.append(f"teams.http {response.status} for {body!r:.300}")
                    if response.status < 400 and not passes_gates(body, TENANT) and len(failures) < 20:
                        failures.append(f"teams.http {response.status} past the gates for {body!r:.300}")
    finally:
        await runner.cleanup()
    return len(cases), statuses


TARGETS = ("slack.parse", "slack.http", "teams.parse", "teams.http")


async def run(quick: bool = False, total: int | None = None) -> Report:
    report = Report("fuzzing the payload parsers")
    total = total or (3_000 if quick else 1_000_000)
    http_share = min(20_000, total // 10)
    teams_http_share = min(5_000, total // 20)
    teams_share = total // 6 - teams_http_share  # Teams' parse inputs (hypothesis' cases and mutations)
    failures: list[str] = []
    started = time.monotonic()
    seeds: list = []
    generated = run_parse(min(6_000, total // 10), failures, seeds)
    report.figure("slack.parse inputs from hypothesis", generated)
    report.figure("hypothesis inputs/s", round(generated / (time.monotonic() - started)))
    started = time.monotonic()
    mutated = run_mutations(seeds, total - http_share - generated - teams_share - teams_http_share, failures)
    report.figure("slack.parse mutations of them", mutated)
    report.figure("mutations/s", round(mutated / max(time.monotonic() - started, 1e-9)))
    parsed = generated + mutated
    sent, statuses = await run_http(seeds, http_share, failures)
    report.figure("slack.http inputs", sent)
    report.figure("slack.http statuses", dict(sorted(statuses.items())))
    started = time.monotonic()
    teams_seeds: list = []
    sdk_log = logging.getLogger("microsoft_agents")
    level = sdk_log.level
    sdk_log.setLevel(logging.CRITICAL)  # the SDK logs every refused activity with a traceback
    http_log = logging.getLogger("handlers.teams.http")
    http_level = http_log.level
    http_log.setLevel(logging.ERROR)  # and the endpoint each refused token
    try:
        teams_generated, teams_mutated = run_teams_parse(min(3_000, teams_share // 10), teams_share - min(
            3_000, teams_share // 10), failures, teams_seeds, derandomize=quick)  # quick: the same cases every time
        report.figure("teams.parse inputs from hypothesis", teams_generated)
        report.figure("teams.parse mutations of them", teams_mutated)
        report.figure("teams.parse inputs/s", round((teams_generated + teams_mutated) / (time.monotonic() - started)))
        teams_sent, teams_statuses = await run_teams_http(teams_seeds, teams_http_share, failures)
    finally:
        sdk_log.setLevel(level)
        http_log.setLevel(http_level)
    report.figure("teams.http inputs", teams_sent)
    report.figure("teams.http statuses", dict(sorted(teams_statuses.items())))
    everything = parsed + sent + teams_generated + teams_mutated + teams_sent
    report.figure("inputs in total", everything)
    report.promise(not failures, "uncaught: " + " | ".join(failures[:8]))
    report.promise(everything >= total * 0.95, f"only {everything} inputs were generated")
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
