"""Permalinks are built from the workspace URL (auth.test, asked once), not asked for per message;
chat.getPermalink stays the way when the URL is unknown or the ids have an unexpected shape."""

from handlers.slack.app import standalone_chat


async def test_posted_idea_links_to_its_message_without_asking_for_a_permalink(slack, fake_slack):
    for n, text in enumerate(("Offer a callback when the queue is long", "Print refund receipts in large type")):
        response = await slack.command("/idea", text, user=f"U{n}")
        assert response.status == 200
    notes = await fake_slack.wait_for("note", count=2)
    posts = fake_slack.calls_to("chat.postMessage")
    links = {f"https://example.slack.com/archives/C0IDEAS/p{p.answer['ts'].replace('.', '')}" for p in posts}
    assert len(links) == 2
    assert {next(link for link in links if link in note.args["text"]) for note in notes} == links
    assert fake_slack.calls_to("chat.getPermalink") == []


async def test_permalink_falls_back_to_slack_while_the_workspace_url_is_unknown(settings, fake_slack):
    fake_slack.fail("auth.test", error="internal_error")
    async with standalone_chat(settings) as chat:
        first = await chat.link("C0IDEAS", "1700000001.000100")
        assert first == "https://example.slack.com/archives/C0IDEAS/p1700000001000100"
        assert len(fake_slack.calls_to("chat.getPermalink")) == 1

        second = await chat.link("C0IDEAS", "1700000002.000100")  # auth.test is asked again, and answers
        assert second == "https://example.slack.com/archives/C0IDEAS/p1700000002000100"
        await chat.link("C0IDEAS", "1700000003.000100")
        assert len(fake_slack.calls_to("chat.getPermalink")) == 1
        assert len(fake_slack.calls_to("auth.test")) == 2


async def test_unexpected_ids_still_get_their_permalink_from_slack(settings, fake_slack):
    async with standalone_chat(settings) as chat:
        link = await chat.link("C0IDEAS", "not-a-ts")
        assert [c.args["message_ts"] for c in fake_slack.calls_to("chat.getPermalink")] == ["not-a-ts"]
        assert link == "https://example.slack.com/archives/C0IDEAS/pnot-a-ts"  # what the fake answers
