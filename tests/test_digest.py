"""The weekly digest's content, its size on a very busy week, two schedulers on one database,
the preview (`herobot digest --preview`, `/hero digest`), `--send`, and the catch-up when the app starts."""

import asyncio
import json
import os
import threading
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.digest import build_digest
from bot.model import Actor, Draft, ProblemDraft, Status
from bot.scheduler import run_due
from handlers.slack.render import render
from handlers.web import create_app
from storage import sends
from storage.db import open_database, write
from storage.problems import add_report, insert_problem
from storage.ideas import insert_idea
from tests.conftest import run_cli
from tests.core_fixtures import Clock
from tests.scheduling import (
    add_idea, comment, config_with, decide, implement, posts_to, scheduled_core, start_pilot, to_review, utc, vote,
)

MONDAY = utc(2026, 11, 30, 9, 0)
WEEK = (utc(2026, 11, 23), utc(2026, 11, 30))  # the seven whole days before the Monday send


async def test_the_digest_reports_every_section(settings, fake_slack):
    clock = Clock(utc(2026, 11, 16, 9, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        before = add_idea(core, "Last week's idea", utc(2026, 11, 17, 9, 0), author="U5")
        comment(core, before, "U5", "hello", utc(2026, 11, 17, 10, 0))
        ideas = [add_idea(core, f"Idea number {n}", utc(2026, 11, 24, 9, n)) for n in range(7)]
        hidden = add_idea(core, "Anonymous fix", utc(2026, 11, 24, 10, 0), author="U0SHY", anonymous=True)
        for n, idea in enumerate(ideas):
            for voter in range(n):
                vote(core, idea, f"UV{voter}", utc(2026, 11, 25, 9, voter))
        comment(core, ideas[1], "UC1", "Yes please", utc(2026, 11, 25, 12, 0))
        for idea in ideas[:5]:
            to_review(core, idea, utc(2026, 11, 25, 9, 0))
        decide(core, ideas[0], "approve", Status.APPROVED, "U0MGR1", utc(2026, 11, 26, 9, 0))
        decide(core, ideas[1], "decline", Status.DECLINED, "U0MGR1", utc(2026, 11, 26, 9, 0), reason="Too costly now")
        start_pilot(core, ideas[2], "U0MGR1", utc(2026, 11, 26, 9, 0), utc(2026, 12, 20).date())
        implement(core, ideas[0], "U0MGR1", utc(2026, 11, 27, 9, 0), outcome="Repeat calls down 12%")
        with write(core.db) as db:
            problem = insert_problem(db, Actor("slack", "UP1"), ProblemDraft(text="Cannot reset a password online"),
                                     utc(2026, 11, 24, 11, 0))
            add_report(db, problem, "UP2", "phone", None, utc(2026, 11, 25, 11, 0))

        digest = await build_digest(core, *WEEK)
        text = json.dumps(render(digest), ensure_ascii=False)
    assert digest.title == "Weekly digest: 23 Nov – 29 Nov 2026"
    headings = [s.heading for s in digest.sections]
    assert headings == ["New ideas", "Decisions made", "Waiting for a decision (2)", "Wins of the week",
                        "Hot problems", "Participation"]
    assert "8 new ideas this week" in text and "Idea number 6" in text and "Last week's idea" not in text
    assert text.index("Idea number 6") < text.index("Idea number 5")
    assert "• *#2 Idea number 0* — ✅ Approved by <@U0MGR1>. Risk: low." in text, text
    assert "• *#3 Idea number 1* — ⛔ Declined by <@U0MGR1>. Reason: Too costly now" in text
    assert ("• *#4 Idea number 2* — 🧪 Pilot approved by <@U0MGR1>. Pilot: repeat calls a day, from 40 to 30 "
            "by 2026-12-20. Risk: low.") in text
    assert "🏆 Implemented; marked by <@U0MGR1>. What changed: Repeat calls down 12%" in text
    assert "Repeat calls down 12%" in text and "thanks to <@U1>" in text
    assert "Idea number 3" in text and "in review for 3 working days, <@U0MGR1>" in text
    assert "• P1 Cannot reset a password online — 2 reporters this week (the week before: 0)" in text
    assert "🔥" not in text  # below [problems] hot_threshold (3)
    # posters: U1 (8 ideas incl. one anonymous? no: U0SHY) -> 2; voters UV0-UV5; commenter UC1; week before: U5
    assert "9 people took part (the week before: 1): 2 posted, 6 voted, 1 commented." in text
    assert "U0SHY" not in text and hidden


async def test_a_very_busy_week_fits_slacks_limits(settings, fake_slack):
    clock = Clock(utc(2026, 11, 16, 9, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        await run_due(core)
        with write(core.db) as db:
            for n in range(1500):
                at = utc(2026, 11, 23, 10, 0) + timedelta(minutes=n * 4)
                insert_idea(db, Actor("slack", f"U{n % 300}"), Draft(text=f"{'Very long idea title ' * 8}{n}"), at)
            for n in range(1, 1501):
                db.execute("INSERT INTO votes (idea_id, user_id, created_at) VALUES (?, 'UV', ?)",
                           [n, utc(2026, 11, 27, 9, 0).isoformat()])
        for n in range(1, 601):
            to_review(core, n, utc(2026, 11, 24, 9, 0))
        for n in range(1, 301):
            decide(core, n, "decline", Status.DECLINED, "U0MGR1", utc(2026, 11, 25, 9, 0), reason="x" * 500)
        for n in range(601, 801):
            to_review(core, n, utc(2026, 11, 24, 9, 0))
            decide(core, n, "approve", Status.APPROVED, "U0MGR1", utc(2026, 11, 25, 9, 0))
            implement(core, n, "U0MGR1", utc(2026, 11, 26, 9, 0), outcome="y" * 900)
        clock.set(MONDAY)
        sent = await run_due(core)
    assert "digest" in [key.kind for key in sent]
    post = posts_to(fake_slack, "C0IDEAS")[-1]
    blocks = json.loads(post.args["blocks"]) if isinstance(post.args["blocks"], str) else post.args["blocks"]
    assert post.args["text"].startswith("Weekly digest")
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    sections = {b["text"]["text"].split("\n")[0]: b["text"]["text"].split("\n")[1:] for b in blocks
                if b["type"] == "section"}

    def listed_plus_more(heading: str, skip: int = 0) -> int:
        lines = sections[heading]
        more = int(lines[-1].split("…and ")[1].split(" more")[0].replace(",", ""))
        return len(lines) - 1 - skip + more

    assert sections["*New ideas*"][0] == "1500 new ideas this week, the most voted:"
    assert listed_plus_more("*New ideas*", skip=1) == 1500
    assert sections["*Decisions made*"][0] == "700 decisions: 200 approved, 300 declined, 200 implemented."
    assert listed_plus_more("*Decisions made*", skip=1) == 700
    assert listed_plus_more("*Waiting for a decision (300)*") == 300
    assert listed_plus_more("*Wins of the week*") == 200


def _instance(settings, config, at, results, name):
    async def run():
        async with scheduled_core(settings, config, Clock(at)) as core:
            for minute in range(3):
                core.clock.set(at + timedelta(minutes=minute))
                results[name] += await run_due(core)
    asyncio.run(run())


async def test_two_schedulers_on_one_database_send_each_period_once(settings, fake_slack):
    config = config_with(roles={"escalation": "U0ESC"})
    clock = Clock(utc(2026, 11, 16, 9, 30))
    async with scheduled_core(settings, config, clock) as core:
        await run_due(core)
        for n in range(6):
            idea = add_idea(core, f"Waiting idea {n}", utc(2026, 11, 16, 10, 0))
            to_review(core, idea, utc(2026, 11, 16, 10, 0))
    results = {"one": [], "two": []}
    threads = [threading.Thread(target=_instance, args=(settings, config, MONDAY, results, name)) for name in results]
    await asyncio.gather(*(asyncio.to_thread(lambda t=t: (t.start(), t.join())) for t in threads))
    keys = results["one"] + results["two"]
    assert len(keys) == len(set(keys))
    assert sorted(k.kind for k in keys) == sorted(["digest", "manager_digest"] + ["reminder"] * 6 + ["escalation"] * 6)
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1
    assert len(posts_to(fake_slack, "U0MGR1")) == 7 and len(posts_to(fake_slack, "U0ESC")) == 6


def _cli_env(settings, tmp_path, **extra):
    (tmp_path / "herobot.toml").write_text('[slack]\nideas_channel = "C0IDEAS"\n[roles]\nmanagers = ["U0MGR1"]\n')
    base = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return {**base, "HEROBOT_DB": settings.db_path, "HEROBOT_CONFIG": str(tmp_path / "herobot.toml"), **extra}


async def test_digest_preview_prints_text_and_sends_nothing(settings, fake_slack, tmp_path):
    db = open_database(settings.db_path)
    real_now = datetime.now(UTC)  # the command reads the system clock
    with write(db):
        insert_idea(db, Actor("slack", "U1"), Draft(text="Preview me please"), real_now - timedelta(days=1))
        insert_idea(db, Actor("slack", "U0SHY"), Draft(text="Quiet one", anonymous=True), real_now - timedelta(days=2))
    db.close()
    result = run_cli("digest", "--preview", env=_cli_env(settings, tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Weekly digest: ")
    assert "2 new ideas this week" in result.stdout and "#1 Preview me please" in result.stdout
    assert "U0SHY" not in result.stdout and "Participation" in result.stdout
    assert fake_slack.calls == []


async def test_digest_send_posts_now(settings, fake_slack, tmp_path):
    env = _cli_env(settings, tmp_path, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_API_URL=settings.slack_api_url)
    result = await asyncio.to_thread(run_cli, "digest", "--send", env=env)
    assert result.returncode == 0, result.stderr
    [post] = posts_to(fake_slack, "C0IDEAS")
    assert post.args["text"].startswith("Weekly digest")
    assert "xoxb-test-token" not in result.stdout + result.stderr
    missing = run_cli("digest", "--send", env=_cli_env(settings, tmp_path))
    assert missing.returncode == 2 and "SLACK_BOT_TOKEN" in missing.stderr


async def test_hero_digest_previews_for_the_caller(slack, fake_slack, core):
    response = await slack.command("/hero", "digest", user="U3")
    body = await response.json()
    assert body["response_type"] == "ephemeral" and body["text"].startswith("Weekly digest")
    assert posts_to(fake_slack, "C0IDEAS") == []


async def test_the_app_catches_up_a_missed_digest_right_after_start(settings, fake_slack):
    config = config_with()
    clock = Clock(utc(2026, 11, 23, 10, 0))
    async with scheduled_core(settings, config, clock) as core:
        await run_due(core)  # the bot ran before; then it was down over Monday 30 November 09:00
    clock.set(utc(2026, 11, 30, 11, 30))
    async with TestClient(TestServer(create_app(settings, config, clock=clock))):
        [post] = await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0IDEAS")
        assert post.args["text"].startswith("Weekly digest: 23 Nov – 29 Nov 2026")
    db = open_database(settings.db_path)
    assert [r["period"] for r in sends.sent(db, "digest")] == ["2026-W48"]
    db.close()


def _participation_from_rows(db, start, end, platform=None):
    """The figure as the posts, votes and comments themselves give it (what the maintained rows must agree with)."""
    from storage import keys
    window = [start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()]
    posts = [r for r in db.execute("SELECT platform, author_key, author_id FROM ideas WHERE created_at >= ? "
                                   "AND created_at < ?", window) if platform in (None, r[0])]
    acts = [r for r in db.execute("SELECT i.platform, v.user_id FROM votes v JOIN ideas i ON i.id = v.idea_id "
                                  "WHERE v.created_at >= ? AND v.created_at < ?", window) if platform in (None, r[0])]
    talks = [r for r in db.execute("SELECT i.platform, c.user_id FROM comments c JOIN ideas i ON i.id = c.idea_id "
                                   "WHERE c.created_at >= ? AND c.created_at < ?", window) if platform in (None, r[0])]
    acting = set(acts) | set(talks) | {(p, a) for p, _, a in posts if a}
    acting_keys = {(p, keys.author_key(db, p, u)) for p, u in acting}
    hidden = {(p, k) for p, k, a in posts if not a} - acting_keys
    return len({(p, k) for p, k, _ in posts}), len(set(acts)), len(set(talks)), len(acting) + len(hidden)


def test_participation_from_maintained_rows_matches_the_rows_themselves(settings):
    """m023's hourly and weekly rows follow every post, vote, comment, undo and forget; windows that do not start
    or end on the hour read their edges from the rows."""
    import itertools
    import random
    from storage import digest as digest_store
    from storage import ideas as idea_store
    from storage.privacy import forget
    rng = random.Random(23)
    db = open_database(settings.db_path)
    base = utc(2026, 11, 16, 0, 0)
    people = [f"U{n}" for n in range(12)]

    def at() -> datetime:
        return base + timedelta(minutes=rng.randrange(14 * 24 * 60))

    with write(db):
        ideas = [insert_idea(db, Actor(rng.choice(["slack", "teams"]), rng.choice(people)),
                             Draft(text=f"Idea {n} 😀 <!channel>", anonymous=rng.random() < 0.3), at()) for n in range(40)]
        ideas.append(insert_idea(db, Actor("slack", "U0SHY"), Draft(text="Shy", anonymous=True), at()))
        for _ in range(300):
            idea_store.add_vote_mark(db, rng.choice(ideas), rng.choice(people), "button", at())
        for n in range(80):
            idea_store.add_comment(db, rng.choice(ideas), rng.choice(people), "Yes \"please\"", f"c{n}", at())
    with write(db):  # undo: votes taken back, comments deleted
        for idea, user in db.execute("SELECT idea_id, user_id FROM votes LIMIT 40").fetchall():
            idea_store.remove_vote_mark(db, idea, user, "button")
        for idea, message in db.execute("SELECT idea_id, message_id FROM comments LIMIT 10").fetchall():
            idea_store.delete_comment(db, idea, message)

    def check() -> None:
        windows = [(monday, monday + timedelta(days=7)) for monday in (base - timedelta(days=7), base,
                                                                         base + timedelta(days=7))]  # whole weeks
        for _ in range(25):
            start = at()
            windows += [(start, end) for end in (start + timedelta(days=7), start + timedelta(minutes=rng.randrange(1, 300)),
                                                 start.replace(minute=0) + timedelta(days=3))]
        for (start, end), platform in itertools.product(windows, (None, "slack", "teams")):
            got = digest_store.participation(db, start, end, platform)
            want = _participation_from_rows(db, start, end, platform)
            assert (got.posters, got.voters, got.commenters, got.people) == want, (start, end, platform)
    check()
    with write(db):
        forget(db, "U3")
    check()
    stored = " ".join(str(r) for r in db.execute("SELECT * FROM participation"))
    assert "U3'" not in stored and "'U3" not in stored
    assert "U0SHY" not in stored and "'k:" in stored  # an anonymous poster is kept by their key, never their id
    db.close()
