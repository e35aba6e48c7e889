"""`/hero hotspots [period]` and `/hero search <words>`."""

from datetime import timedelta

from storage.db import write
from tests.test_problems import log_problem


async def hero(slack, text, user="U1"):
    body = await (await slack.command("/hero", text, user=user)).json()
    assert body["response_type"] == "ephemeral"
    return body


def backdate(core, problem_id, users, days):
    stamp = (core.now() - timedelta(days=days)).isoformat()
    with write(core.db) as db:
        for user in users:
            db.execute("INSERT INTO problem_reports (problem_id, user_id, origin_id, contact_channel, created_at) "
                       "VALUES (?, ?, ?, 'phone', ?)", [problem_id, user, problem_id, stamp])


async def test_hotspots_rank_by_distinct_reporters_with_trend_mix_and_self_service_flag(slack, fake_slack, core):
    await log_problem(slack, fake_slack, "Parcel lockers refuse the pickup code")
    await log_problem(slack, fake_slack, "Gift cards cannot be combined", user="U2")
    backdate(core, 1, ["U3", "U4", "U5", "U6"], days=3)   # P1: 5 in the last 30 days
    backdate(core, 1, ["U7"], days=40)                     # 1 in the 30 days before
    backdate(core, 2, ["U3", "U4", "U5"], days=45)         # P2: 1 now, 3 before
    body = await hero(slack, "hotspots")
    text = str(body)
    assert text.index("P1") < text.index("P2")
    assert "5 reporters" in text and "▲ +4" in text and "▼ -2" in text
    assert "phone 4" in text and "unknown 1" in text
    assert text.count("self-service candidate") == 1

    await slack.command("/idea", "Reset locker codes from the app", user="U1")
    await fake_slack.wait_for("chat.postMessage", count=3)
    await hero(slack, "link 1 P1")
    with write(core.db) as db:
        db.execute("UPDATE ideas SET status = 'approved' WHERE id = 1")
    assert "self-service candidate" not in str(await hero(slack, "hotspots"))
    ninety = str(await hero(slack, "hotspots 90d"))
    assert "last 90 days" in ninety and "6 reporters" in ninety and "4 reporters" in ninety
    assert "in the last 7 days" in (await hero(slack, "hotspots 7d"))["text"]
    refused = (await hero(slack, "hotspots fortnight"))["text"]
    assert "is not a period" in refused and "`quarter`" in refused and "`30d`" in refused


async def test_duplicates_are_not_hot_spots_their_reporters_count_on_the_original(slack, fake_slack, core):
    await log_problem(slack, fake_slack, "App logs out every hour")
    await log_problem(slack, fake_slack, "Session expires too quickly", user="U2")
    await hero(slack, "duplicate P2 P1", user="U0MGR1")
    text = str(await hero(slack, "hotspots"))
    assert "P2" not in text and "2 reporters" in text


async def test_search_finds_ideas_and_problems_ranked_with_status_and_counts(slack, fake_slack):
    await log_problem(slack, fake_slack, "Refund takes three weeks to arrive")
    await slack.command("/idea", "Instant refund to store credit", user="U2")
    await slack.command("/idea", "Print labels at the counter", user="U2")
    await fake_slack.wait_for("chat.postMessage", count=3)
    text = str(await hero(slack, "search refunds"))
    assert "P1" in text and "#1" in text and "Print labels" not in text
    assert "open" in text and "0 votes" in text and "1 reporter" in text
    assert "Nothing found" in str(await hero(slack, "search teleportation"))


async def test_search_with_only_punctuation_or_fts_syntax_gets_a_clear_message(slack, fake_slack):
    await log_problem(slack, fake_slack, "Near the store the signal drops")
    for words in ('"', "*", "NEAR(", "-", '" * - NEAR( ) AND OR', ""):
        body = await hero(slack, f"search {words}")
        assert "Give me some words" in body["text"], words
    for words in ('"signal', "signal*", "-signal", "NEAR(signal", "signal AND"):
        assert "P1" in str(await hero(slack, f"search {words}")), words
