"""`/hero help|top|mine|show`, and anything else gets the help text."""

from datetime import timedelta
from html import unescape

from slack_sdk.models.blocks import Block

from storage.db import write
from tests.test_voting import posted_idea


async def hero(slack, text, user="U1"):
    response = await slack.command("/hero", text, user=user)
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    return body


async def test_help_and_unknown_words_get_the_help_text(slack):
    for text in ("help", "", "HELP"):
        body = await hero(slack, text)
        assert "/hero top" in body["text"] and "/idea" in body["text"]
        assert "/hero approve <number> [low|medium|high] [mitigation]" in unescape(body["text"]) and "/hero whoami" in body["text"]
    body = await hero(slack, "fly me to the moon")
    assert body["text"] == "Unknown command `fly`. `/hero help` lists all."
    assert (await hero(slack, "shwo 3"))["text"] == "Unknown command `shwo`. Did you mean `/hero show 3`? `/hero help` lists all."


async def test_top_ranks_by_votes_within_the_period(slack, fake_slack, core):
    await posted_idea(slack, fake_slack, "Quiet idea")
    await posted_idea(slack, fake_slack, "Popular idea")
    for user in ("U2", "U3"):
        await slack.click("idea_vote", "2", user=user)
    await slack.click("idea_vote", "1", user="U2")
    old = (core.now() - timedelta(days=20)).isoformat()
    with write(core.db) as db:
        db.execute("UPDATE ideas SET created_at = ? WHERE id = 1", [old])

    week = await hero(slack, "top week")
    assert "Popular idea" in str(week) and "Quiet idea" not in str(week)
    month = str(await hero(slack, "top month"))
    assert month.index("Popular idea") < month.index("Quiet idea")
    assert "2 votes" in month and "1 vote" in month
    assert "Quiet idea" in str(await hero(slack, "top all"))
    assert "Popular idea" in str(await hero(slack, "top"))


async def test_top_with_an_unknown_period_says_which_are_known(slack):
    body = await hero(slack, "top year")
    assert "week" in body["text"] and "month" in body["text"] and "all" in body["text"]


async def test_mine_lists_my_ideas_with_status(slack, fake_slack):
    await posted_idea(slack, fake_slack, "Mine one")
    body = str(await hero(slack, "mine"))
    assert "Mine one" in body and "open" in body
    assert "not posted an idea yet" in str(await hero(slack, "mine", user="U9"))


async def test_show_one_idea_and_unknown_numbers(slack, fake_slack):
    await posted_idea(slack, fake_slack, "Shown idea\nwith a body")
    body = str(await hero(slack, "show 1"))
    assert "Shown idea" in body and "with a body" in body and "archives/C0IDEAS" in body
    assert "#1" in str(await hero(slack, "show #1"))
    assert "no idea #42" in (await hero(slack, "show 42"))["text"]
    assert "not an idea number" in (await hero(slack, "show banana"))["text"]
    assert "Which idea" in (await hero(slack, "show"))["text"]


async def test_home_is_the_app_home_page_as_a_message_only_for_me(slack, fake_slack):
    await posted_idea(slack, fake_slack, "Mine one <!channel>")
    await slack.click("idea_vote", "1", user="U2")
    body = await hero(slack, "home")
    blocks = [Block.parse(block) for block in body["blocks"]]
    for block in blocks:
        block.validate_json()
    assert len(blocks) <= 50 and body["text"] == "Your ideas"
    mine = str(body).split("Your ideas*")[1].split("Ideas you voted for")[0]
    assert "Mine one" in mine and "<!channel>" not in str(body)
    assert "Mine one" in str(await hero(slack, "home", user="U2")).split("Ideas you voted for")[1]
