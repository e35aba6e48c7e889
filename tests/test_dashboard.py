"""The dashboard over HTTP: sign-in from `/hero dashboard` (Slack) and `hero dashboard` (Teams), the one-time
link (expired, reused, forged), the session cookie, 401 without it, 404 for an unknown section, what managers
and others see, anonymous authors never shown, small groups not broken down; and the digest's chart."""

import json
import logging
import re
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer

from bench.dashboard_seed import seed
from bot.config import Config
from bot.dashboard_figures import SECTIONS
from bot.model import Actor, Draft
from bot.scheduler import run_due
from handlers.web import CORE, create_app
from storage import ideas as store
from storage.db import write
from tests.conftest import CONFIG
from tests.core_fixtures import Clock
from tests.scheduling import posts_to, utc
from tests.slack_requests import Slack
from tests.teams_requests import IDEAS_CHANNEL, Teams

NOW = utc(2026, 12, 1, 12, 0)
SHY = "U0SHYAUTHOR"


def config(**web) -> Config:
    return Config.from_dict({**CONFIG, "web": web} if web else CONFIG)


class Served:
    """The app on a test clock, over HTTP, with a seeded database."""

    def __init__(self, settings, config, clock, tokens=None):
        self.app = create_app(settings, config, teams_tokens=tokens, clock=clock)
        self.clock = clock

    async def __aenter__(self):
        self.client = TestClient(TestServer(self.app))
        await self.client.__aenter__()
        self.core = self.app[CORE]
        return self

    async def __aexit__(self, *exc):
        await self.client.__aexit__(*exc)

    def seed(self, **sizes):
        seed(self.core.db, self.clock.at, **sizes)
        with write(self.core.db) as db:
            store.insert_idea(db, Actor("slack", SHY), Draft(text="A <!channel> quiet \"fix\" 🚀", anonymous=True),
                              self.clock.at - timedelta(days=1))

    async def link(self, slack: Slack, user: str) -> str:
        body = await (await slack.command("/hero", "dashboard", user=user)).json()
        assert body["response_type"] == "ephemeral"
        return re.search(r"(https?://[^|>]+/dashboard/login\?token=[^|>]+)", body["text"]).group(1)

    async def sign_in(self, slack: Slack, user: str):
        url = await self.link(slack, user)
        path = url[url.index("/dashboard"):]
        return await self.client.get(path, allow_redirects=False)


async def test_a_manager_signs_in_from_slack_and_sees_every_section(settings, fake_slack):
    async with Served(settings, config(), Clock(NOW)) as served:
        served.seed()
        slack = Slack(served.client, fake_slack)
        url = await served.link(slack, "U0MGR1")
        assert url.startswith("http://127.0.0.1:3000/dashboard/login?token=")  # the default [web] base_url
        response = await served.sign_in(slack, "U0MGR1")
        assert response.status == 303 and response.headers["Location"] == "/dashboard"
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie
        assert "Secure" not in cookie  # http base_url
        for section in [None, *SECTIONS]:
            page = await served.client.get("/dashboard" + (f"/{section}" if section else ""))
            html = await page.text()
            assert page.status == 200, section
            assert page.headers["Cache-Control"] == "no-store" and "default-src 'none'" in page.headers["Content-Security-Policy"]
            assert "<svg" in html and "<title" in html and "<table" in html and "<script" not in html
            assert SHY not in html and "quiet" not in html  # the anonymous author, and their idea is not theirs to see
            assert "http" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing from another host
        decisions = await (await served.client.get("/dashboard/decisions")).text()
        assert "per manager" in decisions and "Waiting now, longest first" in decisions


async def test_a_member_sees_aggregates_and_their_own_items_only(settings, fake_slack):
    async with Served(settings, config(), Clock(NOW)) as served:
        served.seed()
        slack = Slack(served.client, fake_slack)
        assert (await served.sign_in(slack, SHY)).status == 303
        decisions = await (await served.client.get("/dashboard/decisions")).text()
        assert "per manager" not in decisions and "Waiting now, longest first" not in decisions
        assert "Your ideas waiting for a decision" in decisions
        overview = await (await served.client.get("/dashboard")).text()
        # their own anonymous idea, shown to them alone, escaped
        assert "Your ideas" in overview and "A &lt;!channel&gt; quiet &quot;fix&quot; 🚀" in overview
        assert "only you see this" in overview
        pilots = await (await served.client.get("/dashboard/pilots")).text()
        assert "Your pilots" in pilots and "their details are for managers" in pilots


async def test_small_groups_are_not_broken_down(settings, fake_slack):
    async with Served(settings, config(min_group=1000), Clock(NOW)) as served:
        served.seed()
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        page = await (await served.client.get("/dashboard/participation")).text()
        assert 'class="mark"' not in page and "too few" in page
        problems = await (await served.client.get("/dashboard/problems")).text()
        assert 'data-chart="channel-mix"' in problems and 'data-series="Reporters"' not in problems


async def test_links_are_single_use_expire_and_cannot_be_forged(settings, fake_slack, caplog):
    clock = Clock(NOW)
    async with Served(settings, config(), clock) as served:
        slack = Slack(served.client, fake_slack)
        url = await served.link(slack, "U0MGR1")
        path = url[url.index("/dashboard"):]
        token = path.split("token=")[1]
        with caplog.at_level(logging.DEBUG):
            assert (await served.client.get(path, allow_redirects=False)).status == 303
            again = await served.client.get(path, allow_redirects=False)
        assert again.status == 401 and "used already" in await again.text()
        assert token not in caplog.text
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        bad = await served.client.get(f"/dashboard/login?token={forged}", allow_redirects=False)
        assert bad.status == 401 and "not valid" in await bad.text()
        assert (await served.client.get("/dashboard/login", allow_redirects=False)).status == 401
        late = await served.link(slack, "U0MGR1")
        clock.advance(minutes=10)  # the link lives ten minutes, not a second more
        expired = await served.client.get(late[late.index("/dashboard"):], allow_redirects=False)
        assert expired.status == 401 and "expired" in await expired.text()


async def test_without_a_session_every_page_is_401_and_an_unknown_section_404(settings, fake_slack):
    clock = Clock(NOW)
    async with Served(settings, config(), clock) as served:
        for section in [None, *SECTIONS]:
            page = await served.client.get("/dashboard" + (f"/{section}" if section else ""))
            assert page.status == 401 and "/hero dashboard" in await page.text()
        unknown = await served.client.get("/dashboard/secrets")
        assert unknown.status == 404
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        assert (await served.client.get("/dashboard")).status == 200
        clock.advance(hours=8)  # the session ends after eight hours
        assert (await served.client.get("/dashboard")).status == 401
        served.client.session.cookie_jar.update_cookies({"herobot_dashboard": "forged.value"})
        assert (await served.client.get("/dashboard")).status == 401


async def test_the_cookie_is_secure_behind_https(settings, fake_slack):
    async with Served(settings, config(base_url="https://herobot.example.com/"), Clock(NOW)) as served:
        slack = Slack(served.client, fake_slack)
        assert (await served.link(slack, "U0MGR1")).startswith("https://herobot.example.com/dashboard/login?token=")
        response = await served.sign_in(slack, "U0MGR1")
        assert "Secure" in response.headers["Set-Cookie"]


async def test_teams_hero_dashboard_answers_in_the_personal_chat(teams, fake_teams):
    await teams.message("hero dashboard", user="U7", channel=None)
    [answer] = await fake_teams.wait_for("send", where=lambda c: "dashboard/login?token=" in c.text())
    assert answer.conversation == "a:personal-29:U7"


# --- the digest's chart -------------------------------------------------------------------------------

async def _weekly_digest(settings, fake_teams, tokens):
    clock = Clock(utc(2026, 11, 30, 8, 59))
    async with Served(settings, config(), clock, tokens) as served:
        await Teams(served.client, fake_teams, fake_teams.cards).message("hero help", user="U0MGR1", channel=None)
        await run_due(served.core)
        seed(served.core.db, utc(2026, 11, 30, 8, 0), ideas=60, votes=200, weeks=1, problems=4)
        with write(served.core.db) as db:
            db.execute("UPDATE ideas SET platform = 'teams' WHERE id % 2 = 0")
        clock.set(utc(2026, 11, 30, 9, 0))
        await run_due(served.core)
        await served.core.background.drain()


async def test_the_digest_carries_its_chart_on_slack_and_teams(settings, fake_slack, fake_teams, teams_tokens):
    await _weekly_digest(settings, fake_teams, teams_tokens)
    [digest] = posts_to(fake_slack, "C0IDEAS")
    [ask] = fake_slack.calls_to("files.getUploadURLExternal")
    [upload] = fake_slack.calls_to("upload")
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert int(ask.args["length"]) == upload.args["length"] > 1000
    assert fake_slack.uploads[upload.args["file_id"]].startswith(b"\x89PNG")
    assert complete.args["channel_id"] == "C0IDEAS" and complete.args["thread_ts"] == digest.answer["ts"]
    assert ask.args["alt_txt"].startswith("This week's flow: 30 new ideas")
    assert json.loads(complete.args["files"])[0]["id"] == upload.args["file_id"]
    cards = [c for c in fake_teams.calls_to("send", IDEAS_CHANNEL) if c.card() is not None]
    image = [b for b in cards[-1].card()["body"] if b["type"] == "Image"]
    assert image and image[0]["url"].startswith("data:image/png;base64,") and "This week's flow" in image[0]["altText"]


async def test_the_digest_goes_out_when_the_upload_fails(settings, fake_slack, fake_teams, teams_tokens):
    fake_slack.fail("files.completeUploadExternal", error="internal_error")
    await _weekly_digest(settings, fake_teams, teams_tokens)
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1
    assert fake_slack.calls_to("files.completeUploadExternal")


async def test_decision_times_are_the_median_and_90th_percentile_of_review_to_decision(settings, fake_slack):
    from bot.model import Status
    from tests.scheduling import add_idea, decide, to_review

    async with Served(settings, config(), Clock(NOW)) as served:
        core = served.core
        for n, days in enumerate((1, 2, 3, 10)):  # decided in November, after 1, 2, 3 and 10 days in review
            idea = add_idea(core, f"Idea {n}", utc(2026, 10, 1, 9, 0))
            to_review(core, idea, utc(2026, 11, 2, 9, 0))
            decide(core, idea, "approve", Status.APPROVED, "U0MGR1", utc(2026, 11, 2 + days, 9, 0))
        waiting = add_idea(core, "Still waiting", utc(2026, 11, 1, 9, 0))
        to_review(core, waiting, utc(2026, 11, 21, 9, 0))  # 10 days ago: in the "1–2 weeks" bucket
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        html = await (await served.client.get("/dashboard/decisions")).text()
    # nearest rank: the median of 1, 2, 3, 10 days is 2, the 90th percentile 10
    assert "<tr><td>Nov 2026</td><td>4</td><td>2</td><td>10</td></tr>" in html
    assert 'data-label="1–2 weeks" data-series="Ideas" data-value="1"' in html
    assert "<td>#5</td><td>Still waiting</td><td>in review</td><td>10</td>" in html



async def test_the_dashboard_and_the_digest_count_a_wait_from_the_same_last_action(settings, fake_slack):
    """Asking for more information again restarts the wait: in the dashboard's "waiting now" as in the digest."""
    from bot.model import Status
    from storage import digest as digest_store
    from tests.scheduling import add_idea, decide, to_review

    async with Served(settings, config(), Clock(NOW)) as served:
        core = served.core
        idea = add_idea(core, "Asked twice", utc(2026, 11, 1, 9, 0))
        to_review(core, idea, utc(2026, 11, 2, 9, 0))
        decide(core, idea, "needs_info", Status.NEEDS_INFO, "U0MGR1", utc(2026, 11, 3, 9, 0))
        with write(core.db) as db:  # the question asked again, 3 days ago: the idea stays in needs info
            db.execute("INSERT INTO decisions (idea_id, action, by_user, note, at) VALUES (?, 'needs_info', 'U0MGR1', "
                       "'And the cost?', ?)", [idea, utc(2026, 11, 28, 9, 0).isoformat()])
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        html = await (await served.client.get("/dashboard/decisions")).text()
        waits = digest_store.waiting_ideas(core.db)
        author = Slack(served.client, fake_slack)
        await served.sign_in(author, "U1")
        own = await (await served.client.get("/dashboard/decisions")).text()
    assert [(w.idea.id, w.since) for w in waits] == [(idea, utc(2026, 11, 28, 9, 0))]
    assert f"<td>#{idea}</td><td>Asked twice</td><td>needs info</td><td>3</td>" in html
    assert f"<td>#{idea}</td><td>Asked twice</td><td>3</td>" in own  # the author's own list counts it the same
    assert 'data-label="3–6 days" data-series="Ideas" data-value="1"' in html

def _seed_box(core) -> None:
    """B1 used four times by three people (two worked, one did not, one too early), B2 once by one person, a use of
    B1 older than twelve weeks; three people asked for an exception: one waits, one allowed, one declined."""
    from bot.box_model import BoxDraft
    from storage import box

    with write(core.db) as db:
        b1 = box.insert_action(db, "slack", "U0MGR1", BoxDraft("Waive a late fee", "a first late payment", "25 GBP",
                               "waive it", "no repeat contact within 7 days"), 25, "GBP", NOW - timedelta(days=200))
        b2 = box.insert_action(db, "slack", "U0MGR1", BoxDraft("Credit a day", "an outage", "", "credit it",
                               "no complaint escalated"), None, "", NOW - timedelta(days=200))
        old = box.insert_use(db, b1, "slack", "U0BOXOLD", 5, "", None, False, "used", NOW - timedelta(weeks=13))
        box.set_outcome(db, old, "worked", NOW - timedelta(weeks=12))
        for user, outcome in (("U0BOX1", "worked"), ("U0BOX2", "worked"), ("U0BOX3", "did_not_work"),
                              ("U0BOX1", "too_early")):
            use = box.insert_use(db, b1, "slack", user, 10, "", None, False, "used", NOW - timedelta(days=9))
            box.set_outcome(db, use, outcome, NOW - timedelta(days=1))
        box.insert_use(db, b2, "slack", "U0BOXLONE", None, "", None, False, "used", NOW - timedelta(days=3))
        for user, answer in (("U0ASK1", None), ("U0ASK2", "allowed"), ("U0ASK3", "declined")):
            asked = box.insert_use(db, b1, "slack", user, 40, "", None, False, "asked", NOW - timedelta(days=2))
            if answer:
                box.set_state(db, asked, "asked", answer, NOW - timedelta(days=1))


def _chart_numbers(html: str, key: str) -> dict[str, tuple[str, ...]]:
    table = re.search(rf'<table data-chart="{key}">(.*?)</table>', html).group(1)
    return {label: tuple(re.findall(r'<td class="n">([^<]*)</td>', cells))
            for label, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', table)}


async def test_the_empowerment_section_counts_uses_outcomes_and_exceptions(settings, fake_slack):
    async with Served(settings, config(min_group=2), Clock(NOW)) as served:
        _seed_box(served.core)
        await served.sign_in(Slack(served.client, fake_slack), SHY)  # a member: the box's figures are aggregates
        page = await served.client.get("/dashboard/empowerment")
        html = await page.text()
        overview = await (await served.client.get("/dashboard")).text()
    assert page.status == 200 and '<a href="/dashboard/empowerment">' in overview
    assert "<svg" in html and "<title" in html
    # B1: four uses in the last twelve weeks (the older one left out), the allowed exception is a fifth
    assert _chart_numbers(html, "box-uses") == {"B1": ("5",), "B2": ("too few",)}
    assert _chart_numbers(html, "box-outcomes") == {"B1": ("40", "20", "20"), "B2": ("too few",) * 3}
    assert _chart_numbers(html, "box-exceptions") == {"asked": ("3",), "allowed": ("1",), "declined": ("1",)}
    assert ("<tr><td>B1</td><td>Waive a late fee</td><td>no repeat contact within 7 days</td><td>5</td><td>2</td>"
            "<td>1</td><td>1</td><td>67%</td></tr>") in html
    assert "<td>B2</td><td>Credit a day</td><td>no complaint escalated</td><td>fewer than 2</td>" in html
    assert "U0BOX" not in html and "U0ASK" not in html


async def test_the_empowerment_section_is_absent_while_the_box_is_empty(settings, fake_slack):
    async with Served(settings, config(), Clock(NOW)) as served:
        await served.sign_in(Slack(served.client, fake_slack), "U0MGR1")
        overview = await (await served.client.get("/dashboard")).text()
        empowerment = await served.client.get("/dashboard/empowerment")
        text = await empowerment.text()
    assert "/dashboard/empowerment" not in overview and '<a href="/dashboard/participation">' in overview
    assert empowerment.status == 404 and "no such section" in text


def test_web_settings_are_checked():
    import pytest

    from bot.config import ConfigError

    assert Config.from_dict({}).web_base_url == "http://127.0.0.1:3000" and Config.from_dict({}).web_min_group == 3
    assert Config.from_dict({"web": {"base_url": "https://bot.example.com/", "min_group": 5}}).web_base_url == \
        "https://bot.example.com"
    with pytest.raises(ConfigError, match=r"\[web\] base_url must be an http:// or https:// address"):
        Config.from_dict({"web": {"base_url": "javascript:alert(1)"}})
    with pytest.raises(ConfigError, match=r"\[web\] min_group must be a whole number"):
        Config.from_dict({"web": {"min_group": 0}})


def test_goal_counts_follow_ideas_pilots_wins_and_duplicates(tmp_path):
    """m024's counts per mission goal agree with counting the ideas, through status changes, a replaced
    experiment, a duplicate and a goal changed."""
    from storage import dashboard as store
    from storage.db import open_database, write
    db = open_database(tmp_path / "goals.db", secret=b"k" * 32)

    def counted() -> list:
        ideas = db.execute("SELECT mission_goal, count(*), sum(status = 'implemented') FROM ideas "
                           "WHERE status != 'duplicate' GROUP BY mission_goal").fetchall()
        pilots = dict(db.execute("SELECT i.mission_goal, count(*) FROM experiments e JOIN ideas i ON i.id = e.idea_id "
                                 "WHERE i.status != 'duplicate' GROUP BY i.mission_goal").fetchall())
        return sorted(((g, n, pilots.get(g, 0), w) for g, n, w in ideas), key=lambda r: (-r[1], r[0] or ""))

    with write(db):
        for n, goal in enumerate(["Faster answers 😀", None, "Faster answers 😀", "<!channel> \"goal\"", None]):
            db.execute("INSERT INTO ideas (platform, title, text, author_id, author_key, mission_goal, created_at, "
                       "updated_at) VALUES ('slack', 't', 't', 'U1', 'k', ?, '2026-11-01', '2026-11-01')", [goal])
    steps = [
        "INSERT INTO experiments (idea_id, hypothesis, metric, target, ends_on) VALUES (1, 'h', 'm', 1, '2026-12-01')",
        "INSERT OR REPLACE INTO experiments (idea_id, hypothesis, metric, target, ends_on) VALUES (1, 'h2', 'm', 2, '2026-12-02')",
        "INSERT INTO experiments (idea_id, hypothesis, metric, target, ends_on) VALUES (2, 'h', 'm', 1, '2026-12-01')",
        "UPDATE ideas SET status = 'implemented' WHERE id = 1",
        "UPDATE ideas SET status = 'duplicate' WHERE id = 3",
        "UPDATE ideas SET mission_goal = 'Faster answers 😀' WHERE id = 2",
        "UPDATE ideas SET status = 'duplicate' WHERE id = 1",
        "DELETE FROM experiments WHERE idea_id = 2",
    ]
    for step in steps:
        with write(db):
            db.execute(step)
        assert store.per_goal(db.conn) == counted(), step
    db.close()


def _posted(html: str) -> int:
    return int(re.search(r"Ideas posted in the last 12 weeks</t[dh]>\s*<td[^>]*>(\d+)<", html).group(1))


async def test_pages_are_heavy_answers_limited_per_person_and_renewed_by_writes(settings, fake_slack):
    """Issue 14's per-person limit on dashboard pages: a polite 429 beyond `[limits] heavy_per_minute` computed
    pages; an answer is reused while nothing is written (not counted again), and a write renews it."""
    limits = Config.from_dict({**CONFIG, "limits": {"heavy_per_minute": 3, "heavy_cache_seconds": 30}})
    async with Served(settings, limits, Clock(NOW)) as served:
        served.seed(ideas=40, votes=200)
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        first = await served.client.get("/dashboard")
        posted = _posted(await first.text())
        again = await served.client.get("/dashboard")  # nothing written: the same answer, not counted
        assert again.status == 200 and _posted(await again.text()) == posted
        with write(served.core.db) as db:
            store.insert_idea(db, Actor("slack", "U0NEW"), Draft(text="Call back <!channel> \"today\" 📞"),
                              NOW - timedelta(hours=1))
        renewed = await served.client.get("/dashboard")  # a write changed it: read again (the second computed page)
        assert renewed.status == 200 and _posted(await renewed.text()) == posted + 1
        assert (await served.client.get("/dashboard/flow")).status == 200  # the third
        refused = await served.client.get("/dashboard/goals")
        text = await refused.text()
        assert refused.status == 429 and "Try again in a moment" in text
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 and refused.headers["Cache-Control"] == "no-store"
        assert (await served.client.get("/dashboard")).status == 200  # still cached: shown without counting
        await served.client.get("/dashboard/logout")
        await served.sign_in(slack, "U0OTHER")  # someone else is not held up
        assert (await served.client.get("/dashboard/goals")).status == 200


def test_participation_per_week_agrees_with_the_votes_and_comments(tmp_path):
    """The Participation page's weekly voters and commenters come from m023's weekly rows: the same numbers as
    counting the week's votes and comments."""
    from datetime import UTC, datetime, time

    from storage import dashboard as dashboard_store
    from storage.db import open_database
    db = open_database(tmp_path / "people.db", secret=b"k" * 32)
    seed(db, NOW, ideas=300, votes=3000, people=60, weeks=6)
    mondays = [(NOW - timedelta(days=NOW.weekday(), weeks=n)).date() for n in range(6)]
    found = dashboard_store.people_per_week(db.conn, mondays)
    for monday in mondays:
        start = datetime.combine(monday, time(), UTC)
        window = [start.isoformat(), (start + timedelta(days=7)).isoformat()]
        for kind, table in (("voted", "votes"), ("commented", "comments")):
            want = db.execute(f"SELECT count(DISTINCT user_id) FROM {table} WHERE created_at >= ? AND created_at < ?",
                              window).fetchone()[0]
            assert found[kind][monday.isoformat()] == want, (kind, monday)
    assert sum(found["voted"].values()) > 0
    db.close()


async def test_the_start_reads_every_page_ahead_so_the_first_view_finds_it(settings, fake_slack):
    from bot import dashboard
    clock = Clock(NOW)
    async with Served(settings, config(), clock) as served:
        served.seed(ideas=40, votes=200)
        slack = Slack(served.client, fake_slack)
        await served.sign_in(slack, "U0MGR1")
        clock.advance(seconds=30)  # 12:00:30
        await dashboard.warm(served.core, min_ideas=0)  # as a start does for a database of 10,000 ideas or more
        clock.advance(seconds=40)  # 12:01:10, nothing the figures come from written since
        for section in ("flow", "goals"):
            page = await (await served.client.get(f"/dashboard/{section}")).text()
            assert "as of 01 Dec 2026 12:00 UTC" in page  # the warm-up's figures, not read again


def _decisions_from_the_audit_trail(db) -> list:
    """(manager, days from review to decision) of each decision on an idea in review, its review start looked up in
    the audit trail and the days counted in Python (what m030 keeps)."""
    from datetime import datetime
    rows = db.execute(
        "SELECT a.actor, a.at, (SELECT max(b.at) FROM audit b WHERE b.idea_id = a.idea_id AND b.to_status = 'in_review' "
        "AND b.at <= a.at) AS review_at FROM audit a WHERE a.to_status IN ('approved', 'piloting', 'declined') "
        "AND a.from_status IN ('in_review', 'needs_info') AND review_at IS NOT NULL")
    return sorted((actor, (datetime.fromisoformat(at) - datetime.fromisoformat(review_at)).total_seconds() / 86400)
                  for actor, at, review_at in rows)


def _stages_from_the_audit_trail(db, first) -> dict:
    rows = db.execute("SELECT a.to_status, count(DISTINCT a.idea_id) FROM ideas i JOIN audit a ON a.idea_id = i.id "
                      "WHERE i.created_at >= ? AND i.status != 'duplicate' GROUP BY a.to_status",
                      [f"{first.isoformat()}T00:00:00+00:00"])
    return dict(rows.fetchall())


def _assert_kept_figures_agree(db, step) -> None:
    from datetime import date

    from storage import dashboard as dashboard_store
    kept = dashboard_store.decision_times(db.conn, utc(2000, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0))
    assert sorted(kept) == _decisions_from_the_audit_trail(db), step
    for first in (date(2026, 6, 1), date(2026, 10, 5), date(2026, 11, 30)):
        counted = {s: n for s, n in dashboard_store.stages_reached(db.conn, first).items() if n}
        assert counted == _stages_from_the_audit_trail(db, first), (step, first)


def test_decision_durations_and_stages_follow_decisions_merges_undos_forgetting_and_the_clock(tmp_path):
    """m030's decision durations and funnel rows equal the audit trail's figures after every write that moves them:
    decisions (their days to the microsecond), merges and their undos, a clock set back, and forgetting a manager."""
    import random

    from bot.model import Status
    from bot.policy import TRANSITIONS
    from storage import merges, privacy
    from storage.audit import transition
    from storage.db import open_database
    db = open_database(tmp_path / "kept.db", secret=b"k" * 32)
    rng = random.Random(30)
    ideas: list[int] = []
    clock = NOW - timedelta(weeks=14)
    for step in range(700):
        clock += timedelta(hours=rng.choice([-50, 2, 7, 13, 30]), microseconds=rng.choice([0, rng.randrange(10**6)]))
        with write(db):
            roll = rng.random()
            if roll < 0.2 or not ideas:
                ideas.append(store.insert_idea(db, Actor("slack", f"U{rng.randrange(8)}"), Draft(text=f"Idea {step}"),
                                               clock))
            elif roll < 0.85:
                idea = rng.choice(ideas)
                moves = sorted(TRANSITIONS[Status(store.get_idea(db, idea).status)] - {Status.DUPLICATE})
                if moves:
                    transition(db, idea, rng.choice(["U0MGR1", "U0MGR2", "herobot"]), "move", rng.choice(moves), clock)
            elif roll < 0.95:
                merges.merge_idea(db, rng.choice(ideas), rng.choice(ideas), "U0MGR1", clock)
            else:
                merges.unmerge_idea(db, rng.choice(ideas), "U0MGR2", clock)
        _assert_kept_figures_agree(db, step)
    assert len(_decisions_from_the_audit_trail(db)) > 12 and db.execute("SELECT count(*) FROM ideas WHERE "
                                                                         "status = 'duplicate'").fetchone()[0] > 2
    with write(db):
        privacy.forget(db, "U0MGR1")
    assert {m for m, *_ in _decisions_from_the_audit_trail(db)} == {"forgotten", "U0MGR2", "herobot"}
    _assert_kept_figures_agree(db, "forget")
    db.close()


def test_m030_backfills_decision_durations_stages_and_weekly_people(tmp_path):
    from storage import dashboard as dashboard_store
    from storage import merges
    from storage.db import open_database
    path = tmp_path / "old.db"
    db = open_database(path, secret=b"k" * 32)
    with write(db):  # back to the schema before m030, then the seeded trail as an older herobot wrote it
        _back_before_m032(db)
        for trigger in ("audit_decision_ai", "audit_stage_ai", "ideas_stage_au", "participation_week_ai",
                        "participation_week_au", "participation_week_ad"):
            db.execute(f"DROP TRIGGER {trigger}")
        for table in ("decision_durations", "stages_reached", "week_people"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm030_decision_durations'")
    seed(db, NOW, ideas=400, votes=500, weeks=20)
    with write(db):
        waiting = [r[0] for r in db.execute("SELECT id FROM ideas WHERE status IN ('open', 'in_review') LIMIT 6")]
        for duplicate, original in zip(waiting[::2], waiting[1::2]):
            assert merges.merge_idea(db, duplicate, original, "U0MGR1", NOW)
    db.close()
    db = open_database(path, secret=b"k" * 32)
    assert len(_decisions_from_the_audit_trail(db)) > 50
    _assert_kept_figures_agree(db, "backfilled")
    mondays = [(NOW - timedelta(days=NOW.weekday(), weeks=n)).date() for n in range(20)]
    counted = _people_from_the_participation_rows(db, mondays)
    kept = dashboard_store.people_per_week(db.conn, mondays)
    assert {kind: {w: n for w, n in kept[kind].items() if n} for kind in counted} == counted
    assert sum(counted["voted"].values()) > 100
    db.close()


def _people_from_the_participation_rows(db, mondays) -> dict:
    """Voters and commenters per week counted over m023's weekly rows of every platform (what m030 sums)."""
    rows = db.execute("SELECT substr(period, 2), count(DISTINCT CASE WHEN votes > 0 THEN person END), "
                      "count(DISTINCT CASE WHEN comments > 0 THEN person END) FROM participation "
                      "WHERE period >= 'W' AND period < 'X' GROUP BY period").fetchall()
    weeks = {m.isoformat() for m in mondays}
    return {"voted": {w: v for w, v, _ in rows if w in weeks and v}, "commented": {w: c for w, _, c in rows
                                                                                   if w in weeks and c}}


def test_voters_and_commenters_per_week_follow_votes_undos_merges_comments_and_forgetting(tmp_path):
    """m030's weekly people rows give the Participation page the voters and commenters m023's rows count, through
    votes on both platforms by the same person, votes taken back, merges and their undos, comments, and forget."""
    import random

    from bot.model import Status
    from storage import dashboard as dashboard_store
    from storage import merges, privacy
    from storage.db import open_database
    db = open_database(tmp_path / "people.db", secret=b"k" * 32)
    rng = random.Random(23)
    mondays = [(NOW - timedelta(days=NOW.weekday(), weeks=n)).date() for n in range(8)]
    ideas: list[int] = []
    clock = NOW - timedelta(weeks=4)

    def agree(step) -> None:
        kept = dashboard_store.people_per_week(db.conn, mondays)
        kept = {kind: {w: n for w, n in kept[kind].items() if n} for kind in ("voted", "commented")}
        assert kept == _people_from_the_participation_rows(db, mondays), step

    for step in range(400):
        clock += timedelta(hours=rng.choice([-20, 2, 5, 17]))  # the clock also goes back
        user = f"U{rng.randrange(6)}"
        with write(db):
            roll = rng.random()
            if roll < 0.15 or len(ideas) < 2:
                ideas.append(store.insert_idea(db, Actor(rng.choice(["slack", "teams"]), user),
                                               Draft(text=f"Idea {step}"), clock))
            elif roll < 0.55:
                store.add_vote_mark(db, rng.choice(ideas), user, "button", clock)
            elif roll < 0.7:
                store.remove_vote(db, rng.choice(ideas), user)
            elif roll < 0.85:
                store.add_comment(db, rng.choice(ideas), user, "a comment", f"m{step}", clock)
            elif roll < 0.95:
                duplicate, original = rng.sample(ideas, 2)
                if store.get_idea(db, duplicate).status in (Status.OPEN, Status.IN_REVIEW):
                    merges.merge_idea(db, duplicate, original, "U0MGR1", clock)
            else:
                merges.unmerge_idea(db, rng.choice(ideas), "U0MGR1", clock)
        agree(step)
    with write(db):
        privacy.forget(db, "U1")
    agree("forget")
    assert sum(_people_from_the_participation_rows(db, mondays)["voted"].values()) > 10
    db.close()


def _channels_from_the_reports(db, since) -> dict:
    """People per contact channel counted over every report since `since` (what the page counted before m032)."""
    return dict(db.execute("SELECT coalesce(contact_channel, 'unknown'), count(DISTINCT user_id) FROM problem_reports "
                           "WHERE created_at >= ? GROUP BY 1", [since.isoformat()]).fetchall())


def _assert_problem_figures_agree(db, clock, step) -> None:
    from storage import dashboard as dashboard_store
    from tests.problem_walk import hot_spots_counted
    for days in (1, 20, 84, 400):
        since = clock - timedelta(days=days)
        kept = dashboard_store.contact_channels(db.conn, since)
        assert dict(kept) == _channels_from_the_reports(db, since), (step, days)
        assert [n for _, n in kept] == sorted((n for _, n in kept), reverse=True), (step, days)
        top = dashboard_store.top_problems(db.conn, since, clock, 5)
        assert [(p, n) for p, _, n in top] == hot_spots_counted(db, since, clock)[:5], (step, days)


def test_channel_mix_and_top_problems_follow_reports_merges_undos_edits_and_forgetting(tmp_path):
    """The Problems page's channel mix (m032's latest report per channel and person) and its top problems (m014's
    counts) equal the figures counted over every report, through reports on every channel, merges and their undos, a
    person's id rewritten, a clock that goes back, and forget."""
    import random

    from storage import privacy
    from storage.db import open_database
    from storage.schema import CONTACT_CHANNELS
    from tests.problem_walk import ProblemWalk
    db = open_database(tmp_path / "problems.db", secret=b"k" * 32)
    walk = ProblemWalk(random.Random(32), NOW - timedelta(days=300), channels=(*CONTACT_CHANNELS, None))
    for step in walk.steps(500, db):
        clock = walk.clock
        _assert_problem_figures_agree(db, clock, step)
    assert len(walk.merged) > 2 and len(_channels_from_the_reports(db, clock - timedelta(days=84))) == 6
    with write(db):
        privacy.forget(db, "U3")
    _assert_problem_figures_agree(db, clock, "forget")
    assert db.execute("SELECT count(*) FROM channel_reporters WHERE user_id = 'U3'").fetchone()[0] == 0
    db.close()


def _back_before_m032(db) -> None:
    for trigger in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER problem_reports_channel_{trigger}")
    db.execute("DROP TABLE channel_reporters")
    db.execute("DROP INDEX problem_reports_by_person")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm032_channel_reporters'")


def test_m032_backfills_the_latest_report_per_channel_and_person(tmp_path):
    from bot.model import ProblemDraft
    from storage import merges
    from storage import problems as problem_store
    from storage.db import open_database
    from storage.schema import CONTACT_CHANNELS
    path = tmp_path / "old.db"
    db = open_database(path, secret=b"k" * 32)
    with write(db):  # back to the schema before m032, then reports as an older herobot wrote them
        _back_before_m032(db)
        problems = [problem_store.insert_problem(db, Actor("slack", "U0"), ProblemDraft(text=f"Problem {n}"),
                                                 NOW - timedelta(days=n)) for n in range(8)]
        for n in range(200):
            problem_store.add_report(db, problems[n % 8], f"U{n % 13}", [*CONTACT_CHANNELS, None][n % 6], None,
                                     NOW - timedelta(hours=7 * n))
        merges.merge_problem(db, problems[1], problems[2], "M", NOW)
    db.close()
    db = open_database(path, secret=b"k" * 32)
    _assert_problem_figures_agree(db, NOW, "backfilled")
    assert sum(_channels_from_the_reports(db, NOW - timedelta(days=20)).values()) > 30
    db.close()
