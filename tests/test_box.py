"""The empowerment box at the core: the rules, the grammar and the field checks, on a real SQLite file
with a recording chat as the platform."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.bootstrap import new_core
from bot import box, box_actions, hero
from bot.box_followups import due_follow_ups
from bot.replies import (
    BoxActionCard, BoxForm, BoxList, BoxStory, ChampionList, ExceptionRequest, FollowUp, NoMatch, OverLimit, UseLogged,
)
from bot.config import Config
from bot.decision_forms import FormInvalid
from bot.digest import build_digest
from bot.errors import Refused
from bot.export import export
from bot.model import Actor, Origin
from bot.privacy import export_user, forget
from bot.schedule import Weekly, add_working_days
from bot.sending import deliver_all
from storage.db import open_database
from tests.core_fixtures import Clock, RecordingChat

MANAGER = "UMGR"
STAFF = "USTAFF"
FEE = {"action": "Waive a late-payment fee", "customers": "A first late payment after a billing error of ours",
       "limit": "25 GBP", "steps": "Check the billing error in the ledger, then waive the fee",
       "expected_outcome": "No repeat contact within 7 days"}


@pytest.fixture
def chat():
    return RecordingChat()


@pytest.fixture
def core(tmp_path, chat):
    config = Config.from_dict({"slack": {"ideas_channel": "CIDEAS", "wins_channel": "CWINS"},
                               "roles": {"managers": [MANAGER]}, "box": {"follow_up_days": 2}})
    core = new_core(open_database(tmp_path / "box.db"), config, clock=Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)))
    core.chats["slack"] = chat
    return core


def origin(user=STAFF):
    return Origin("slack", user, "CGEN")


async def add(core, values=None, user=MANAGER) -> BoxActionCard:
    return await box_actions.submit_form(core, origin(user), {**FEE, **(values or {})})


async def test_a_manager_fills_the_box_and_it_is_announced(core, chat):
    assert isinstance(await hero.run(core, origin(MANAGER), "box add"), BoxForm)
    card = await add(core)
    await core.background.drain()
    assert card.action.ref == "B1" and card.action.limit == 25 and card.action.unit == "GBP"
    assert card.action.owner == MANAGER
    assert [(p.to, p.reply) for p in chat.posts] == [("CIDEAS", card)]
    listed = await hero.run(core, origin(), "box")
    assert isinstance(listed, BoxList) and [e.action.ref for e in listed.entries] == ["B1"]


@pytest.mark.parametrize("values, field", [
    ({"action": "  "}, "action"),
    ({"limit": "25"}, "limit"),
    ({"limit": "lots GBP"}, "limit"),
    ({"limit": "-5 GBP"}, "limit"),
    ({"steps": ""}, "steps"),
])
async def test_bad_form_input_is_a_field_error_and_stores_nothing(core, values, field):
    with pytest.raises(FormInvalid) as invalid:
        await add(core, values)
    assert field in invalid.value.errors
    assert export(core.db)["box"] == []


@pytest.mark.parametrize("typed, limit, unit", [("25GBP", 25, "GBP"), ("1,000  points", 1000, "points"),
                                                ("1 per customer per year", 1, "per customer per year"), ("", None, "")])
async def test_a_limit_is_a_number_then_its_unit(core, typed, limit, unit):
    action = (await add(core, {"limit": typed})).action
    assert (action.limit, action.unit) == (limit, unit)


async def test_only_managers_add_edit_and_retire(core):
    await add(core)
    for words in ("box add", "box edit B1", "box retire B1"):
        with pytest.raises(Refused, match="Only managers"):
            await hero.run(core, origin(), words)
    with pytest.raises(Refused, match="Only managers"):
        await add(core, user=STAFF)


async def test_edit_keeps_the_old_version_and_retire_stops_uses(core):
    await add(core)
    form = await hero.run(core, origin(MANAGER), "box edit B1")
    assert form.draft.limit == "25 GBP"
    await box_actions.submit_form(core, origin(MANAGER), {**FEE, "limit": "30 GBP"}, action_id=1)
    await hero.run(core, origin(MANAGER), "box retire b1")
    record = export(core.db)["box"][0]
    assert record["limit"] == 30 and record["status"] == "retired"
    assert [(v["change"], v["limit"]) for v in record["versions"]] == [("edit", 25), ("retire", 30)]
    with pytest.raises(Refused, match="retired"):
        await hero.run(core, origin(), "used B1 10 waived it")
    with pytest.raises(Refused, match="There is no action B9"):
        await hero.run(core, origin(), "used B9 10")
    assert record["uses"] == []


async def test_can_finds_actions_by_stemmed_words_and_says_when_nothing_matches(core):
    await add(core)
    await add(core, {"action": "Send a replacement part", "customers": "Broken on arrival", "limit": "",
                     "steps": "Book the courier"})
    found = await hero.run(core, origin(), "can I waive a late fee")
    assert isinstance(found, BoxList) and [e.action.ref for e in found.entries] == ["B1"]
    assert [e.action.ref for e in (await hero.run(core, origin(), "can replacements")).entries] == ["B2"]
    nothing = await hero.run(core, origin(), "can refund a flight")
    assert isinstance(nothing, NoMatch) and nothing.words == "refund a flight"


@pytest.mark.parametrize("words, message", [
    ("used B1 ten waived", "not a number"),
    ("used B1 -5 waived", "negative"),
    ("used B1", "Enter the amount"),
    ("used X1 5", "not an action"),
])
async def test_bad_use_is_refused_and_stores_nothing(core, words, message):
    await add(core)
    with pytest.raises(Refused, match=message):
        await hero.run(core, origin(), words)
    assert export(core.db)["box"][0]["uses"] == []


async def test_use_over_limit_exception_follow_up_story_champions_digest(core, chat):
    await add(core)
    logged = await hero.run(core, origin(), "used B1 12.50 <!channel> waived the fee")
    assert isinstance(logged, UseLogged) and logged.use.amount == 12.5

    over = await hero.run(core, origin(), "used B1 40 waived a big one")
    assert isinstance(over, OverLimit) and "above" in over.text
    assert len(export(core.db)["box"][0]["uses"]) == 1  # refused: not a use
    await box.ask_exception(core, Actor("slack", STAFF), over.use_id)
    await core.background.drain()
    request = chat.directs[-1]
    assert request.to == MANAGER and isinstance(request.reply, ExceptionRequest)
    with pytest.raises(Refused, match="Only the owner"):
        await box.decide_exception(core, Actor("slack", "UOTHER"), over.use_id, True)
    answered = await box.decide_exception(core, Actor("slack", MANAGER), over.use_id, True)
    assert answered.answered == "allowed"
    await core.background.drain()
    assert chat.directs[-1].to == STAFF and "allowed once" in chat.directs[-1].reply.text

    await box.share_story(core, Actor("slack", STAFF), logged.use.id)
    weekly = Weekly.of(core.config)
    core.clock.set(weekly.on(add_working_days(weekly.today(core.now()), 2)))
    sent = await deliver_all(core, due_follow_ups(core, core.now()))
    assert len(sent) == 2 and all(isinstance(d.reply, FollowUp) for d in chat.directs[-2:])
    assert await deliver_all(core, due_follow_ups(core, core.now())) == []  # claimed: never twice

    await box.answer_follow_up(core, Actor("slack", STAFF), logged.use.id, "worked")
    await box.answer_follow_up(core, Actor("slack", STAFF), over.use_id, "too_early")
    await core.background.drain()
    assert [type(r) for r in chat.replies("post", "CWINS")] == [BoxStory]
    core.clock.set(weekly.on(add_working_days(weekly.today(core.now()), 2)))
    again = await deliver_all(core, due_follow_ups(core, core.now()))
    assert [k.period for k in again] == ["2"]  # asked again once: only the one too early to say
    core.clock.set(weekly.on(add_working_days(weekly.today(core.now()), 2)))
    assert await deliver_all(core, due_follow_ups(core, core.now())) == []

    best = await hero.run(core, origin(), "champions")
    assert isinstance(best, ChampionList) and best.champions[0].user_id == STAFF
    assert best.champions[0].worked == 1 and len(best.champions[0].stories) == 1
    with pytest.raises(Refused):
        await hero.run(core, origin(), "champions year")

    digest = await build_digest(core, datetime(2026, 3, 2, tzinfo=UTC), core.now())
    part = next(s for s in digest.sections if s.heading == "Empowerment")
    text = str(part.lines)
    assert "2 uses" in text and "1 asked, 1 allowed" in text and "100% worked" in text
    assert "No repeat contact" in text and "waived the fee" in text

    uses = export(core.db)["box"][0]["uses"]
    assert [(u["amount"], u["exception"], u["outcome"], u["story"]) for u in uses] == [
        (12.5, None, "worked", True), (40, "allowed", "too_early", False)]
    assert export_user(core.db, STAFF)["box_uses"][0]["note"].startswith("<!channel>")
    assert daily_figures(core) == raw_figures(core) == (2, 1, 1)
    forget(core.db, STAFF)
    assert daily_figures(core) == raw_figures(core) == (0, 0, 0)
    assert export(core.db)["box"][0]["uses"] == [] and export_user(core.db, STAFF)["box_uses"] == []


async def test_per_customer_limit_counts_uses_of_one_customer(core):
    await add(core, {"action": "Rebook at no charge", "limit": "1 per customer per year"})
    assert isinstance(await hero.run(core, origin(), "used B1 ACC-1 rebooked"), UseLogged)
    assert isinstance(await hero.run(core, origin(), "used B1 12345 rebooked"), UseLogged)  # a numeric reference
    over = await hero.run(core, origin("UOTHER"), "used B1 acc-1 rebooked again")
    assert isinstance(over, OverLimit) and "already had B1 1 time" in over.text
    assert isinstance(await hero.run(core, origin(), "used B1 12345 again"), OverLimit)
    with pytest.raises(Refused, match="customer"):
        await hero.run(core, origin(), "used B1")


async def test_pilot_met_target_offers_add_to_the_box_prefilled(core):
    form = None
    with pytest.raises(Refused, match="no idea"):
        box_actions.open_from_pilot(core, Actor("slack", MANAGER), 1)
    with pytest.raises(Refused, match="Only managers"):
        box_actions.open_from_pilot(core, Actor("slack", STAFF), 1)
    assert form is None


async def test_forgetting_the_owner_keeps_the_action_and_its_versions_without_them(core):
    await add(core)
    await box_actions.submit_form(core, origin(MANAGER), {**FEE, "steps": "New steps"}, action_id=1)
    await hero.run(core, origin(), "used B1 5 waived")
    forget(core.db, MANAGER)
    record = export(core.db)["box"][0]
    assert record["owner"] == "forgotten" and record["versions"][0]["changed_by"] == "forgotten"
    assert [u["user"] for u in record["uses"]] == [STAFF]


class MovingClock:
    """Every read of the clock is an hour later than the one before."""

    def __init__(self, start):
        self.at = start

    def __call__(self):
        self.at += timedelta(hours=1)
        return self.at


async def test_on_a_moving_clock_limits_follow_ups_and_stories_hold(tmp_path, chat):
    config = Config.from_dict({"slack": {"wins_channel": "CWINS"}, "roles": {"managers": [MANAGER]},
                               "box": {"follow_up_days": 1}})
    core = new_core(open_database(tmp_path / "moving.db"), config, clock=MovingClock(datetime(2026, 3, 2, 8, tzinfo=UTC)))
    core.chats["slack"] = chat
    await add(core, {"limit": "1 per customer per month"})
    used = await hero.run(core, origin(), "used B1 ACC-9 rebooked")
    assert isinstance(used, UseLogged) and used.use.counted_at is not None
    assert isinstance(await hero.run(core, origin(), "used B1 ACC-9 again"), OverLimit)
    await box.share_story(core, Actor("slack", STAFF), used.use.id)
    sent = []
    for _ in range(80):  # about three days of hourly ticks, each reading the clock
        sent += await deliver_all(core, due_follow_ups(core, core.now()))
    assert [k.period for k in sent] == ["1", "2"]
    await box.answer_follow_up(core, Actor("slack", STAFF), used.use.id, "worked")
    await core.background.drain()
    assert [p.to for p in chat.posts if isinstance(p.reply, BoxStory)] == ["CWINS"]


def daily_figures(core):
    """What the triggers keep in box_use_days, summed."""
    return tuple(core.db.execute("SELECT total(uses), total(worked), total(answered) FROM box_use_days").fetchone())


def raw_figures(core):
    return tuple(core.db.execute("SELECT count(*), total(outcome = 'worked'), total(outcome IN ('worked', 'did_not_work')) "
                                 "FROM box_uses WHERE counted_at IS NOT NULL").fetchone())


def test_the_shell_offers_the_box(tmp_path):
    import os

    from tests.conftest import run_cli

    (tmp_path / "herobot.toml").write_text('[roles]\nmanagers = ["mgr"]\n')
    env = {**os.environ, "HEROBOT_DB": str(tmp_path / "shell.db"), "HEROBOT_CONFIG": str(tmp_path / "herobot.toml")}
    script = "\n".join([
        "/hero box add", FEE["action"], FEE["customers"], "25", FEE["steps"], FEE["expected_outcome"],  # no unit
        "/hero box add", FEE["action"], FEE["customers"], "25 GBP", FEE["steps"], FEE["expected_outcome"],
        "/as bob", "/hero can waive a late fee", "/iused B1", "12", "late again", "waived it", "y",
        "/hero used B1 40 big one", "/exception 2", "/as mgr", "/allow 2", "/hero box", "/quit", ""])
    result = run_cli("shell", "--as", "mgr", env=env, input=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Say the limit's unit" in out and "New in the empowerment box: B1 Waive a late-payment fee" in out
    assert "→ /iused B1" in out and "Logged: you used B1" in out and "/story" not in out.split("Logged")[1][:200]
    assert "above B1's limit of 25 GBP" in out and "→ /exception 2" in out
    assert "(direct to mgr) bob asks for an exception to B1" in out and "[allowed]" in out
    assert "2 uses this month" in out


async def test_the_digest_counts_the_uses_of_the_days_its_title_names(core):
    from bot.box_followups import empowerment_section
    from bot.digest import title_for

    await add(core)
    await add(core, {"action": "Send a replacement part", "limit": ""})
    start = core.now().replace(hour=0)  # Monday 2 March, midnight UTC
    for hour in range(0, 24 * 10, 7):  # uses every 7 hours over ten days, alternating actions
        core.clock.set(start + timedelta(hours=hour))
        used = await hero.run(core, origin(), f"used B{1 + hour % 2} 5 waived")
        if hour % 3 == 0:
            await box.answer_follow_up(core, Actor("slack", STAFF), used.use.id, "worked")
    weekly = Weekly.of(core.config)
    fire = weekly.on(date(2026, 3, 10))  # a Tuesday 09:00: the week of 3 to 9 March
    since, fire = weekly.covered(fire)  # the seven whole days before the send
    assert title_for(weekly, since, fire) == "Weekly digest: 3 Mar – 9 Mar 2026"
    raw = core.db.execute("SELECT count(*), total(outcome = 'worked') FROM box_uses WHERE counted_at >= ? "
                          "AND counted_at < ?", ["2026-03-03", "2026-03-10"]).fetchone()
    first_line = empowerment_section(core, since, fire, None).lines[0][0]
    assert first_line.startswith(f"{raw[0]} uses of the box this week")
    per_action = [line[0] for line in empowerment_section(core, since, fire, None).lines[1:3]]
    assert sum(int(line.split(" — ")[1].split(" ")[0]) for line in per_action) == raw[0]


async def test_a_declined_exception_is_told_and_never_counts(core, chat):
    await add(core)
    over = await hero.run(core, origin(), "used B1 99 refund everything")
    with pytest.raises(Refused, match="not yours"):
        await box.ask_exception(core, Actor("slack", "UOTHER"), over.use_id)
    await box.ask_exception(core, Actor("slack", STAFF), over.use_id)
    with pytest.raises(Refused, match="already asked"):
        await box.ask_exception(core, Actor("slack", STAFF), over.use_id)
    answered = await box.decide_exception(core, Actor("slack", MANAGER), over.use_id, False)
    assert answered.answered == "declined"
    with pytest.raises(Refused, match="already answered"):
        await box.decide_exception(core, Actor("slack", MANAGER), over.use_id, True)
    await core.background.drain()
    assert chat.directs[-1].to == STAFF and "declined" in chat.directs[-1].reply.text
    with pytest.raises(Refused, match="not logged"):
        await box.answer_follow_up(core, Actor("slack", STAFF), over.use_id, "worked")
    assert [(u["exception"], u["amount"]) for u in export(core.db)["box"][0]["uses"]] == [("declined", 99)]
    assert box.box_list(core).entries[0].stats.uses == 0
    assert daily_figures(core) == (0, 0, 0)


async def test_long_and_wild_text_renders_within_both_platforms_limits(core):
    """3,000 characters of mentions, markup, quotes and emoji in every field, through Block Kit's models and the
    Adaptive Card checks."""
    import json as json_module

    from slack_sdk.models.blocks import Block
    from slack_sdk.models.views import View

    from bot.box_followups import champions
    from bot.replies import BoxOffer, UseForm
    from handlers.slack.render import render as slack_render
    from handlers.slack.box_blocks import box_modal, use_modal
    from handlers.teams.render import render as teams_render
    from tests.teams_cards import shape_errors

    wild = ('<!channel> <@U1> *bold* & "quotes" 🎉 ' * 80)[:2990]
    await add(core, {key: wild for key in ("action", "customers", "steps", "expected_outcome")} | {"limit": "9 " + wild[:150]})
    logged = await hero.run(core, origin(), f"used B1 5 {wild}")
    await box.share_story(core, Actor("slack", STAFF), logged.use.id)
    await box.answer_follow_up(core, Actor("slack", STAFF), logged.use.id, "worked")
    over = await hero.run(core, origin(), f"used B1 50 {wild}")
    await box.ask_exception(core, Actor("slack", STAFF), over.use_id)
    action = box.get_action(core, 1)
    use = logged.use
    replies = [box.box_list(core), await hero.run(core, origin(), f"can {wild}"), logged, over,
               ExceptionRequest(action, use), FollowUp(action, use), BoxStory(action, use), champions(core, "month"),
               BoxOffer(wild, idea_id=1), BoxActionCard(action, "New in the empowerment box"),
               await hero.run(core, origin(), "can zzzz " + wild[:200])]
    for reply in replies:
        message = slack_render(reply)
        assert "<!channel>" not in json_module.dumps(message)
        for block in message["blocks"]:
            Block.parse(block).validate_json()
        activity = teams_render(reply, {})
        for attachment in activity.get("attachments", []):
            assert shape_errors(attachment["content"]) == []
            assert len(json_module.dumps(attachment["content"]).encode()) < 80_000
    form = box_actions.open_edit(core, Actor("slack", MANAGER), "B1")
    for view in (box_modal(form, {"channel": "C1"}), use_modal(UseForm(action), {"channel": "C1"})):
        View(**view).validate_json()
