"""Issue 18: everyone sees what happened to an idea. Decisions in the digest (moving and real clocks),
in `/hero show`, `/hero mine` and the App Home."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block

from bot import hero
from bot.core import utcnow
from bot.decisions import submit
from bot.digest import build_digest
from bot.model import Actor, Origin, Status
from handlers.shell_render import as_text
from handlers.slack.render import render
from tests.core_fixtures import Clock
from tests.scheduling import add_idea, config_with, scheduled_core, to_review, utc

MANAGER = Actor("slack", "U0MGR1")
AWKWARD = "<!channel> “quoted” 🚀 " + "x" * 40


class MovingClock(Clock):
    """Every reading of "now" is a millisecond later than the one before, as on a real machine."""

    def __call__(self) -> datetime:
        self.at += timedelta(milliseconds=1)
        return self.at


def slack_text(reply) -> str:
    rendered = render(reply)
    for block in rendered["blocks"]:
        Block.parse(block).validate_json()
    return json.dumps(rendered, ensure_ascii=False)


async def _decided_week(core, clock):
    """Four ideas in review, then approved (with a champion), piloted, declined and asked about, all via the core."""
    ideas = [add_idea(core, f"Idea {n}", clock.at + timedelta(hours=n)) for n in range(4)]
    for idea in ideas:
        to_review(core, idea, clock.at + timedelta(hours=5))
    await submit(core, MANAGER, "approve", ideas[0], {"risk": "medium", "mitigation": "Cap at 20 EUR",
                                                     "tech_support": ["tech"], "champion": "U0IT1"})
    await submit(core, MANAGER, "pilot", ideas[1], {
        "hypothesis": "Fewer repeat calls", "metric": "repeat calls a day", "baseline": "40", "target": "30",
        "ends_on": (core.now() + timedelta(days=20)).date().isoformat(), "risk": "low"})
    await submit(core, MANAGER, "decline", ideas[2], {"reason": AWKWARD})
    await submit(core, MANAGER, "needs_info", ideas[3], {"question": "Which customers?"})
    await core.background.drain()
    return ideas


async def test_the_digest_names_decider_reason_and_next_step_on_a_moving_clock(settings, fake_slack):
    clock = MovingClock(utc(2026, 11, 24, 9, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        await _decided_week(core, clock)
        digest = await build_digest(core, utc(2026, 11, 23), utc(2026, 11, 30))
    text = slack_text(digest)
    assert "no reason" not in text.lower()
    assert ("✅ Approved by <@U0MGR1>. Risk: medium. Mitigation: Cap at 20 EUR IT champion: <@U0IT1>." in text), text
    assert "🧪 Pilot approved by <@U0MGR1>. Pilot: repeat calls a day, from 40 to 30 by 2026-12-14. Risk: low." in text
    assert "⛔ Declined by <@U0MGR1>. Reason: &lt;!channel&gt; “quoted” 🚀" in text
    assert "❓ Needs info: <@U0MGR1> asks: Which customers?" in text
    assert "<!channel>" not in text


async def test_a_decision_saved_on_the_real_clock_reads_back_through_the_digest(settings, fake_slack):
    async with scheduled_core(settings, config_with(), Clock(utcnow())) as core:
        core.clock = utcnow
        idea = add_idea(core, "Callbacks before noon", utcnow() - timedelta(minutes=5))
        to_review(core, idea, utcnow() - timedelta(minutes=1))
        await submit(core, MANAGER, "decline", idea, {"reason": "Budget is frozen until March"})
        await core.background.drain()
        digest = await build_digest(core, utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1))
    assert "⛔ Declined by @U0MGR1. Reason: Budget is frozen until March" in as_text(digest)


async def test_show_and_mine_give_the_latest_decision(settings, fake_slack):
    clock = MovingClock(utc(2026, 11, 24, 9, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        ideas = await _decided_week(core, clock)
        origin = Origin("slack", "U1", "C0IDEAS")
        shown = [await hero.run(core, origin, f"show {n}") for n in ideas]
        mine = await hero.run(core, origin, "mine")
    assert "IT champion: U0IT1" in as_text(shown[0]) and "Risk: medium" in as_text(shown[0])
    assert "Pilot: repeat calls a day, from 40 to 30 by 2026-12-14" in as_text(shown[1])
    assert "Reason: <!channel> “quoted”" in as_text(shown[2])
    assert "U0MGR1 asks: Which customers?" in as_text(shown[3])
    assert "Reason: &lt;!channel&gt;" in slack_text(shown[2]) and "<!channel>" not in slack_text(shown[2])
    mine_text = slack_text(mine)
    for words in ("✅ Approved by <@U0MGR1>", "🧪 Pilot approved by", "⛔ Declined by", "❓ Needs info"):
        assert words in mine_text


# --- typed decisions: the shell (in process, as `herobot shell` runs it) ---------------------

class Session:
    """A shell session over a real database: lines typed, answers to form questions, everything printed."""

    def __init__(self, core, user: str = "U1"):
        import io

        from handlers.shell import Shell

        self.out = io.StringIO()
        self.answers: list[str] = []
        self.shell = Shell(core, user, self.out, lambda prompt: self.answers.pop(0))

    async def type(self, line: str, *answers: str) -> str:
        self.answers = list(answers)
        start = len(self.out.getvalue())
        await self.shell.handle(line)
        assert not self.answers, "a question was not asked"
        return self.out.getvalue()[start:]


def shell_config(**sections):
    return config_with(roles={"managers": ["U0MGR1"], "it_champions": ["U0IT1"]}, **sections)


async def test_a_manager_decides_by_typing_in_the_shell(db_path):
    from bot.config import Settings
    from bot.bootstrap import running_core

    async with running_core(Settings(db_path=db_path), shell_config()) as core:
        me = Session(core)
        for words in ("Refunds under 20 EUR " + AWKWARD, "Callbacks before noon", "Spanish hotline hours",
                      "Printable return labels", "Quieter hold music"):
            assert "Similar" not in await me.type(f"/idea {words}")
        assert "Only a manager of idea #1" in await me.type("/hero approve 1")
        await me.type("/as U0MGR1")
        refused = await me.type("/Hero APPROVE 1 high")
        assert "A high risk needs a mitigation" in refused and "`/hero approve <number>" in refused
        assert "is approved" in await me.type("/hero approve 1 medium Cap at 20 EUR")
        assert "is declined" in await me.type("/hero decline 2 Budget is frozen")
        assert "is waiting for information" in await me.type("/hero ask 3 Which customers?")
        piloted = await me.type("/hero pilot 4", "Fewer repeat calls", "repeat calls a day", "40", "30",
                                (core.now() + timedelta(days=9)).date().isoformat(), "low", "")
        assert "is piloting" in piloted and "Hypothesis" in piloted
        done = await me.type("/hero done 1 Repeat calls down 12%")
        assert "is implemented. The win is announced in the idea's channel." in done
        assert "[shell] A win! #1" in done and "Repeat calls down 12%" in done
        result = await me.type("/hero done 4", "implemented", "28", "Rolled out to every team")
        assert "is implemented" in result
        assert "It can no longer be declined" in await me.type("/hero decline 1 too late")
        assert "Which idea?" in await me.type("/hero decline")
        shown = await me.type("/hero show 2")
    assert "⛔ Declined by U0MGR1. Reason: Budget is frozen" in shown
    with_core = {i.id: i.status for i in [core_idea(db_path, n) for n in range(1, 6)]}
    assert with_core == {1: Status.IMPLEMENTED, 2: Status.DECLINED, 3: Status.NEEDS_INFO, 4: Status.IMPLEMENTED,
                         5: Status.OPEN}


def core_idea(db_path, number):
    from storage.db import open_database
    from storage.ideas import get_idea

    return get_idea(open_database(db_path), number)


# --- everyone involved hears ----------------------------------------------------------------------

async def test_author_voters_and_duplicates_hear_once_and_mute_works(db_path):
    from bot.config import Settings
    from bot.bootstrap import running_core
    from bot.news import tell_voters

    async with running_core(Settings(db_path=db_path), shell_config()) as core:
        u1 = Session(core)
        await u1.type("/idea Refunds under 20 EUR without a manager")
        await u1.type("/idea Printable return labels for every parcel")
        voter = Session(core, "U2")
        await voter.type("/vote 1")
        muted = Session(core, "U3")
        assert "no longer get messages" in await muted.type("/hero MUTE")
        await muted.type("/vote 1")
        reached = await Session(core, "U4").type("/vote 1")
        assert "(direct to U1) 🔎 Your idea #1 Refunds under 20 EUR without a manager is in review. " \
               "It is with U0MGR1 for a decision" in reached
        manager = Session(core, "U0MGR1")
        approved = await manager.type("/hero approve 1 low")
        assert "(direct to U2) 📣 News of an idea you voted for, #1 Refunds" in approved
        assert "✅ Approved by U0MGR1. Risk: low." in approved and "`/hero mute`" in approved
        assert "(direct to U4)" in approved and "(direct to U3)" not in approved
        assert approved.count("(direct to U2)") == 1
        await tell_voters(core, 1, "U0MGR1")  # a second run (a retry, another process) tells no one again
        again = await manager.type("/hero show 1")
        assert "(direct to" not in again
        assert "turns them back on" not in await muted.type("/hero unmute")
        declined = await manager.type("/hero done 1 Refunds now take one click")
        assert declined.count("(direct to U3)") == 1 and "What changed: Refunds now take one click" in declined
        marked = await manager.type("/hero duplicate 2 1")
        assert ("(direct to U1) 🔁 Your idea #2 Printable return labels for every parcel was marked a duplicate of "
                "#1 Refunds under 20 EUR without a manager by U0MGR1") in marked
        refused = await voter.type("/vote 2")
        assert "Idea #2 is a duplicate of #1; vote on #1 instead." in refused
        assert "🔁 Duplicate of #1; votes and talk continue there." in await voter.type("/hero show 2")


async def test_no_manager_configured_is_said_in_the_thread_and_to_the_author(db_path, caplog):
    from bot.config import Settings
    from bot.bootstrap import running_core

    async with running_core(Settings(db_path=db_path), config_with(roles={"managers": []})) as core:
        await Session(core).type("/idea Refunds under 20 EUR without a manager")
        for voter in ("U2", "U3"):
            await Session(core, voter).type("/vote 1")
        told = await Session(core, "U4").type("/vote 1")
    assert "no manager is configured for this idea" in told and "with its managers" not in told
    assert "(direct to U1) 🔎 Your idea #1" in told and "No manager is configured for it yet" in told
    assert "set [roles] managers" in caplog.text


# --- words and numbers ------------------------------------------------------------------------------

async def test_the_digest_window_and_its_title_agree(settings, fake_slack):
    from bot.digest import preview
    from bot.schedule import Weekly

    clock = Clock(utc(2026, 12, 1, 16, 0))  # a Tuesday
    config = config_with(digest={"timezone": "Europe/Berlin"})
    async with scheduled_core(settings, config, clock) as core:
        add_idea(core, "Posted on the first of December", utc(2026, 12, 1, 8, 0))
        add_idea(core, "Posted late on the 24th, Berlin time", utc(2026, 11, 24, 22, 30))
        add_idea(core, "Posted on the 25th", utc(2026, 11, 25, 9, 0))
        to_review(core, 1, utc(2026, 12, 1, 10, 0))
        shown = as_text(await preview(core, core.now(), "slack"))
        start, end = Weekly.of(config).covered(utc(2026, 11, 30, 8, 0))  # Monday 9:00 in Berlin
        weekly = as_text(await build_digest(core, start, end))
    assert shown.startswith("Weekly digest: 25 Nov – 1 Dec 2026, so far")
    assert "#1 Posted on the first of December — in review since today, @U0MGR1" in shown  # not "0 working days"
    assert "first of December" in shown and "Posted on the 25th" in shown and "late on the 24th" not in shown
    assert weekly.startswith("Weekly digest: 23 Nov – 29 Nov 2026\n")
    assert "late on the 24th" in weekly and "first of December — 👍" not in weekly  # waiting now, not new then
    assert (start, end) == (utc(2026, 11, 22, 23, 0), utc(2026, 11, 29, 23, 0))


async def test_a_quiet_week_says_so_and_flames_wait_for_the_hot_threshold(settings, fake_slack):
    from storage.db import write
    from storage.problems import add_report, insert_problem

    from bot.model import ProblemDraft

    async with scheduled_core(settings, config_with(), Clock(utc(2026, 11, 30, 9, 0))) as core:
        quiet = as_text(await build_digest(core, utc(2026, 11, 23), utc(2026, 11, 30)))
        with write(core.db) as db:
            hot = insert_problem(db, Actor("slack", "UP1"), ProblemDraft(text="Cannot reset a password"),
                                 utc(2026, 11, 24, 11, 0))
            for n in (2, 3):
                add_report(db, hot, f"UP{n}", "phone", None, utc(2026, 11, 25, 11, n))
            insert_problem(db, Actor("slack", "UP9"), ProblemDraft(text="Parcel tracking is late"),
                           utc(2026, 11, 24, 12, 0))
        spots = as_text(await build_digest(core, utc(2026, 11, 23), utc(2026, 11, 30)))
    assert "A quiet week: no new ideas or decisions." in quiet
    assert " 0 " not in quiet and "0 new" not in quiet and "took part" not in quiet
    assert "🔥 P1 Cannot reset a password — 3 reporters" in spots
    assert "• P2 Parcel tracking is late — 1 reporter this week" in spots


async def test_counts_are_singular_and_periods_share_one_grammar(db_path):
    from bot.config import Settings
    from bot.bootstrap import running_core

    async with running_core(Settings(db_path=db_path), shell_config()) as core:
        me = Session(core)
        await me.type("/idea Refunds under 20 EUR without a manager")
        await Session(core, "U2").type("/vote 1")
        await me.type("/comment 1 Yes please")
        await me.type("/problem Cannot reset a password online")
        top = await me.type("/hero top quarter")
        mine = await me.type("/hero mine")
        spots = await me.type("/hero hotspots all")
        wins = await me.type("/hero wins 90d")
        refused = await me.type("/hero top fortnight")
    assert "Top ideas posted in the last quarter" in top and "1 vote, 1 comment" in top and "1 votes" not in mine
    assert "1 reporter" in spots and "1 reporters" not in spots and "problems reported in all time" in spots
    assert "Wins of the last 90 days" in wins
    assert "“fortnight” is not a period. Use `week`, `month`, `quarter`, `all` or a number of days" in refused


# --- helpful errors, whoami -------------------------------------------------------------------------

async def test_an_unknown_word_gets_one_line_with_the_closest_and_commands_ignore_case(db_path):
    from bot.config import Settings
    from bot.bootstrap import running_core

    async with running_core(Settings(db_path=db_path), shell_config()) as core:
        me = Session(core, "alice")
        typo = await me.type("/hero shwo 3")
        nothing = await me.type("/hero frobnicate")
        upper = await me.type("/Hero TOP")
        shell_typo = await me.type("/hreo top")
        who = await me.type("/hero whoami")
        helped = await me.type("/help")
    assert typo == "(only you) Unknown command `shwo`. Did you mean `/hero show 3`? `/hero help` lists all.\n"
    assert nothing == "(only you) Unknown command `frobnicate`. `/hero help` lists all.\n"
    assert "Top ideas posted in the last week" in upper
    assert "Did you mean `/hero top`?" in shell_typo and shell_typo.count("\n") == 1
    assert "Your shell name is `alice`" in who and "[roles] managers" in who
    assert "/hero approve N" in helped and "whoami" in helped


async def test_whoami_on_slack_and_teams(slack, teams, fake_slack, fake_teams):
    answer = await (await slack.command("/hero", "WhoAmI", user="U0ABC")).json()
    assert "Your Slack member id is `U0ABC`" in answer["text"]
    await teams.message("hero whoami", channel=None, user="U7")
    told = (await fake_teams.wait_for("send", where=lambda c: "Teams (Microsoft Entra / AAD object) id" in c.text()))[0]
    assert told.conversation == "a:personal-29:U7"
    await teams.message("hero shwo 1", channel=None, user="U7")
    await fake_teams.wait_for("send", where=lambda c: "Did you mean `hero show 1`?" in c.text())


# --- strict config and `herobot check` ---------------------------------------------------------------

def _cli(tmp_path, monkeypatch, capsys, *args, config: str | None = None, named: str | None = None):
    """`herobot <args>` in this process (it fails before serving or reading input): (exit code, stderr)."""
    from bot.cli import main

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HEROBOT_DB", str(tmp_path / "cli.db"))
    if config is not None:
        (tmp_path / "herobot.toml").write_text(config)
    monkeypatch.setenv("HEROBOT_CONFIG", named or str(tmp_path / "herobot.toml"))
    code = main(list(args))
    return code, capsys.readouterr().err


def test_serve_shell_and_digest_refuse_a_misspelled_or_missing_config(tmp_path, monkeypatch, capsys):
    for command in (("serve", "--port", "0"), ("shell",), ("digest", "--preview"), ("check",)):
        code, err = _cli(tmp_path, monkeypatch, capsys, *command, config='[role]\nmanagers = ["U1"]\n')
        assert code == 2, (command, err)
        assert err.strip().splitlines()[-1] == "herobot: unknown section [role]; did you mean [roles]?"
    code, err = _cli(tmp_path, monkeypatch, capsys, "shell", config='[digest]\ntimezon = "Europe/Paris"\n')
    assert code == 2 and "unknown key [digest] timezon; did you mean timezone?" in err
    code, err = _cli(tmp_path, monkeypatch, capsys, "shell", config='[voting]\nthreshold = "three"\n')
    assert code == 2 and "[voting] threshold must be a whole number" in err
    code, err = _cli(tmp_path, monkeypatch, capsys, "digest", "--preview", named=str(tmp_path / "nonexistent.toml"))
    assert code == 2 and "nonexistent.toml does not exist" in err
    code, err = _cli(tmp_path, monkeypatch, capsys, "digest", "--preview",
                     config='[roles]\nmanagers = ["U1"]\n[problems]\nhot_threshold = 4\n')
    assert code == 0, err


async def test_check_prints_the_configuration_and_verifies_slack_and_teams(tmp_path, fake_slack, monkeypatch):
    import asyncio
    import contextlib
    import io

    from bot.cli import main
    from tests.conftest import TestTokens

    config = tmp_path / "herobot.toml"
    config.write_text('[slack]\nideas_channel = "C0IDEAS"\nwins_channel = "C0WINS"\nproblems_channel = "C0GONE"\n'
                      '[roles]\nmanagers = ["U0MGR1"]\n')
    fake_slack.outside_channels.add("C0WINS")
    fake_slack.missing_channels.add("C0GONE")
    for name, value in {"HEROBOT_CONFIG": str(config), "HEROBOT_DB": str(tmp_path / "c.db"),
                        "SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_SIGNING_SECRET": "s3cret",
                        "SLACK_API_URL": fake_slack.base_url + "/api/", "MICROSOFT_APP_ID": "app-1",
                        "MICROSOFT_APP_PASSWORD": "pw-secret", "MICROSOFT_APP_TENANT_ID": "tenant-1"}.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await asyncio.to_thread(main, ["check"], TestTokens())
    text = out.getvalue()
    assert code == 1  # something is wrong: the bot is not in the wins channel
    assert "[roles] managers: U0MGR1" in text and "[problems] hot_threshold = 3" in text
    assert "Slack: ✓ auth.test: workspace T1 as @herobot (UBOT)" in text
    assert "Slack: ✓ the bot is a member of ideas_channel C0IDEAS" in text
    assert "Slack: ✗ the bot is not a member of wins_channel C0WINS: type `/invite @herobot`" in text
    assert "Slack: ✗ problems_channel C0GONE: channel_not_found" in text
    assert "Teams: ✓ credentials of app app-1 get a Bot Framework token" in text
    assert "secret" not in text and "pw-" not in text
    assert {c.method for c in fake_slack.calls} <= {"auth.test", "conversations.info"}


# --- admin paper cuts ----------------------------------------------------------------------------------

async def test_export_user_finds_anonymous_shell_ideas_and_csv_has_one_file_per_table(db_path, tmp_path, monkeypatch):
    import csv
    import stat

    from bot.cli import main
    from bot.config import Settings
    from bot.bootstrap import running_core
    from bot.privacy import export_user
    from storage.db import open_database

    async with running_core(Settings(db_path=db_path), shell_config()) as core:
        alice = Session(core, "alice")
        await alice.type("/idea anon =HYPERLINK(\"http://evil\") refunds under 20 EUR")
        await alice.type("/idea Printable return labels for every parcel")
        await Session(core, "bob").type("/vote 1")
        await Session(core, "bob").type("/comment 1 @channel yes, “please” 🚀")
        await alice.type("/problem Cannot reset a password online")
        await Session(core, "U0MGR1").type("/hero decline 2 Not this quarter")
    mine = export_user(open_database(db_path), "alice")
    assert [i["id"] for i in mine["ideas"]] == [1, 2]

    monkeypatch.setenv("HEROBOT_DB", db_path)
    monkeypatch.delenv("HEROBOT_CONFIG", raising=False)
    assert await asyncio_to_thread(main, ["export", "--csv", str(tmp_path / "csv")]) == 0
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert files == ["comments.csv", "decisions.csv", "ideas.csv", "problems.csv", "votes.csv"]
    tables = {}
    for name in files:
        path = tmp_path / "csv" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with open(path, encoding="utf-8-sig", newline="") as f:
            tables[name] = list(csv.DictReader(f))
    ideas = tables["ideas.csv"]
    assert ideas[0]["author"] == "" and ideas[0]["title"].startswith("'=HYPERLINK") and ideas[0]["votes"] == "1"
    assert "alice" not in str(ideas[0]) and ideas[1]["author"] == "alice"
    assert tables["comments.csv"][0]["text"] == "'@channel yes, “please” 🚀"
    assert tables["decisions.csv"][0]["reason"] == "Not this quarter" and tables["votes.csv"][0]["user_id"] == "bob"
    assert tables["problems.csv"][0]["reporter"] == "alice"


async def asyncio_to_thread(function, *args):
    import asyncio

    return await asyncio.to_thread(function, *args)


def test_export_ends_quietly_on_a_closed_pipe(tmp_path):
    import os
    import subprocess
    import sys

    from bot.model import Draft
    from storage.db import open_database, write
    from storage.ideas import insert_idea

    db_path = str(tmp_path / "big.db")
    db = open_database(db_path)
    with write(db):
        for n in range(150):
            insert_idea(db, Actor("slack", "U1"), Draft(text=f"Idea {n} " + "words " * 200), utc(2026, 11, 24))
    db.close()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "export"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "HEROBOT_DB": db_path})
    assert process.stdout.read(100).startswith(b"{")
    process.stdout.close()  # what `| head` does once it has its lines
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


async def test_news_that_failed_is_sent_later_once_and_a_duplicate_problem_reporter_hears(settings, fake_slack):
    from bot.scheduler import run_due
    from storage.db import write
    from storage.problems import insert_problem

    from bot.duplicates import mark_duplicate
    from bot.model import ProblemDraft

    clock = Clock(utc(2026, 11, 24, 9, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        idea = add_idea(core, "Refunds under 20 EUR", clock.at)
        for voter in ("U0V2", "U0V3"):
            with write(core.db) as db:
                from storage.ideas import add_vote_mark
                add_vote_mark(db, idea, voter, "button", clock.at)
        to_review(core, idea, clock.at)
        fake_slack.fail("chat.postMessage", times=1, error="fatal_error", channel="U0V3")
        await submit(core, MANAGER, "approve", idea, {"risk": "low"})
        await core.background.drain()
        await run_due(core)  # not yet: the failed send waits a minute before its retry
        news = [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")
                if "News of an idea you voted for" in c.text()]
        assert news == ["U0V2", "U0V3"]  # U0V3's first attempt failed
        clock.advance(minutes=5)
        await run_due(core)
        await run_due(core)
        news = [c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")
                if "News of an idea you voted for" in c.text()]
        with write(core.db) as db:
            first = insert_problem(db, MANAGER, ProblemDraft(text="Cannot reset a password"), clock.at)
            second = insert_problem(db, Actor("slack", "U0REP7"), ProblemDraft(text="Password reset fails"), clock.at)
        await mark_duplicate(core, MANAGER, f"P{second}", f"P{first}")
        await core.background.drain()
    assert news == ["U0V2", "U0V3", "U0V3"]  # the retry, once
    assert any(c.args["channel"] == "U0REP7" and "🔁 The problem you reported, *P2 Password reset fails*, was marked a "
               "duplicate of *P1 Cannot reset a password* by <@U0MGR1>" in c.text()
               for c in fake_slack.calls_to("chat.postMessage"))
