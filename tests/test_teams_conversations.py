"""What real Teams conversations send: mentions by entity at any position, conversations without a type,
edits and deletions of thread replies, and text that round-trips."""

from tests.conftest import export_of
from tests.teams_requests import BOT_ID, GENERAL_CHANNEL, IDEAS_CHANNEL, aad

PRANAV = {"type": "mention", "text": "<at>Pranav Smith</at>", "mentioned": {"id": "29:pranav", "name": "Pranav Smith"}}
BOT = {"type": "mention", "text": "<at>herobot</at>", "mentioned": {"id": BOT_ID, "name": "herobot"}}


def say(teams, text: str, entities: list, user: str = "U1", conversation: str | None = None,
        kind: str | None = "channel", **changes) -> dict:
    conversation = conversation or GENERAL_CHANNEL
    activity = teams.activity("message", user, conversation, kind or "channel", text=text, entities=entities, **changes)
    if ";messageid=" not in conversation and kind == "channel":
        activity["conversation"]["id"] = f"{conversation};messageid={activity['id']}"  # a new channel post
    if kind is None:
        del activity["conversation"]["conversationType"]
    return activity


async def posted(teams, fake, text="Self-service refunds under 20 EUR") -> str:
    await teams.message(f"idea {text}", channel=None)
    return (await fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL))[-1].activity_id


def in_thread(message_id: str) -> str:
    return f"{IDEAS_CHANNEL};messageid={message_id}"


async def test_a_reply_starting_with_a_colleagues_mention_is_a_comment_not_a_command(teams, fake_teams, db_path):
    card = await posted(teams, fake_teams)
    reply = say(teams, "<at>Pranav Smith</at> idea looks great, but who pays?", [PRANAV], user="U2",
                conversation=in_thread(card), replyToId=card)
    assert (await teams.send(reply)).status == 200
    [idea] = export_of(db_path)["ideas"]
    assert idea["comments"] == 1
    await teams.message("hero show 1", channel=None, user="U4")
    shown = (await fake_teams.wait_for("send", where=lambda c: "who pays" in c.text()))[0]
    assert "Pranav Smith idea looks great, but who pays?" in shown.text()  # the colleague's name is kept


async def test_the_bot_mentioned_mid_sentence_is_addressed(teams, fake_teams, db_path):
    activity = say(teams, "<p>hey <at>herobot</at> idea Callbacks after five minutes</p>", [BOT])
    assert (await teams.send(activity)).status == 200
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    assert [i["title"] for i in export_of(db_path)["ideas"]] == ["Callbacks after five minutes"]


async def test_a_top_level_message_mentioning_only_others_is_ignored(teams, fake_teams, db_path):
    activity = say(teams, "<at>Pranav Smith</at> idea for lunch?", [PRANAV])
    assert (await teams.send(activity)).status == 200
    assert export_of(db_path)["ideas"] == []
    assert fake_teams.calls == []  # no help, no note: a conversation between colleagues


async def test_a_mention_entity_that_is_not_the_bot_is_never_taken_for_it(teams, fake_teams, db_path):
    impostor = {"type": "mention", "text": "<at>herobot</at>", "mentioned": {"id": "29:someone", "name": "herobot"}}
    assert (await teams.send(say(teams, "<at>herobot</at> idea From a namesake", [impostor]))).status == 200
    assert export_of(db_path)["ideas"] == [] and fake_teams.calls == []


async def test_without_conversation_type_a_channel_is_never_taken_for_a_personal_chat(teams, fake_teams, core):
    activity = say(teams, "<at>herobot</at> idea Posted from a channel", [BOT], kind=None)
    assert (await teams.send(activity)).status == 200
    note = (await fake_teams.wait_for("send", where=lambda c: "is posted" in c.text() or "being posted" in c.text()))[0]
    assert note.conversation.startswith("a:")  # the private note went to a personal chat, not the channel
    kinds = dict(core.db.execute("SELECT conversation_id, kind FROM teams_conversations").fetchall())
    assert kinds[GENERAL_CHANNEL] == "channel"
    person = core.db.execute("SELECT personal_conversation_id FROM teams_people WHERE aad_object_id = ?",
                             [aad("U1")]).fetchone()
    assert person[0] is None or person[0].startswith("a:")
    await teams.send(say(teams, "<at>herobot</at> hero mine", [BOT], kind=None))
    mine = (await fake_teams.wait_for("send", where=lambda c: "Your ideas" in c.text()))[0]
    assert mine.conversation.startswith("a:")


async def test_a_group_chat_without_type_or_stated_personal_gets_no_private_answer(teams, fake_teams, core):
    group = "19:abc-group@thread.v2"
    for kind in (None, "personal"):
        activity = say(teams, "<at>herobot</at> hero mine", [BOT], conversation=group, kind=kind)
        activity["conversation"]["id"] = group
        activity["conversation"]["isGroup"] = True
        activity["channelData"].pop("channel", None)
        if kind == "personal":
            activity["conversation"]["conversationType"] = "personal"
        assert (await teams.send(activity)).status == 200
    await fake_teams.wait_for("send", count=2, where=lambda c: "Your ideas" in c.text() or "no ideas" in c.text())
    assert fake_teams.calls_to("send", group) == []
    assert core.db.execute("SELECT kind FROM teams_conversations WHERE conversation_id = ?", [group]).fetchone()[0] \
        == "groupChat"


async def test_an_edited_reply_updates_its_comment_and_a_deleted_one_leaves(teams, fake_teams, db_path):
    card = await posted(teams, fake_teams)
    reply = say(teams, "First thought", [], user="U2", conversation=in_thread(card), replyToId=card)
    await teams.send(reply)
    await fake_teams.wait_for("update", where=lambda c: "1 comment" in c.text())
    edited = {**reply, "type": "messageUpdate", "text": "Second thought &amp; more",
              "channelData": {**reply["channelData"], "eventType": "editMessage"}}
    assert (await teams.send(edited)).status == 200
    forged = {**edited, "text": "Words put in U2's mouth", "from": {"id": "29:U3", "aadObjectId": aad("U3")}}
    assert (await teams.send(forged)).status == 200  # only the author edits their comment
    await teams.message("hero show 1", channel=None, user="U4")
    shown = (await fake_teams.wait_for("send", where=lambda c: "Second thought" in c.text()))[0]
    assert "Second thought & more" in shown.text() and "First thought" not in shown.text()
    assert "put in" not in shown.text()

    deleted = {**reply, "type": "messageDelete", "text": None}
    assert (await teams.send(deleted)).status == 200
    assert export_of(db_path)["ideas"][0]["comments"] == 0
    await fake_teams.wait_for("update", where=lambda c: "0 comments" in c.text())


async def test_a_soft_delete_reported_as_an_update_removes_the_comment(teams, fake_teams, db_path):
    card = await posted(teams, fake_teams)
    reply = say(teams, "Soon gone", [], user="U2", conversation=in_thread(card), replyToId=card)
    await teams.send(reply)
    gone = {**reply, "type": "messageUpdate", "channelData": {**reply["channelData"], "eventType": "softDeleteMessage"}}
    del gone["from"]  # Teams may not say who deleted it
    assert (await teams.send(gone)).status == 200
    assert export_of(db_path)["ideas"][0]["comments"] == 0


async def test_edits_and_deletions_of_the_ideas_own_card_are_ignored(teams, fake_teams, db_path):
    card = await posted(teams, fake_teams)
    for kind in ("messageUpdate", "messageDelete"):
        activity = say(teams, "changed", [], conversation=in_thread(card), id=card, type=kind)
        assert (await teams.send(activity)).status == 200
    [idea] = export_of(db_path)["ideas"]
    assert idea["title"] == "Self-service refunds under 20 EUR" and idea["teams"]["activity_id"] == card


async def test_comment_text_round_trips(teams, fake_teams, db_path, core):
    card = await posted(teams, fake_teams)
    typed = "<p>a &amp; b &lt;tag&gt; &lt;@U1&gt; &lt;!here&gt; <at>herobot</at> <at>Pranav Smith</at></p>"
    await teams.send(say(teams, typed, [BOT, PRANAV], user="U2", conversation=in_thread(card), replyToId=card))
    stored = core.db.execute("SELECT text FROM comments").fetchone()[0]
    assert stored == "a & b <tag> <@U1> <!here> Pranav Smith"  # the bot's own mention is not part of the comment
    await teams.message("hero show 1", channel=None, user="U4")
    shown = (await fake_teams.wait_for("send", where=lambda c: "<tag>" in c.text()))[0]
    assert "a & b <tag> <@U1> <!here> Pranav Smith" in shown.text()
    assert all(not c.body.get("entities") for c in fake_teams.calls_to("send"))  # never a mention entity


def test_channels_once_remembered_as_personal_chats_are_corrected(tmp_path):
    from storage.db import open_database

    db = open_database(tmp_path / "old.db")
    with db.conn:
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm010_teams_conversation_kinds'")
        for conversation in (GENERAL_CHANNEL, "19:chat@thread.v2", "a:personal-29:U1"):
            db.execute("INSERT INTO teams_conversations VALUES (?, 'https://s/', 't', 'b', 'personal', 'x')",
                       [conversation])
        db.execute("INSERT INTO teams_people VALUES ('p1', '29:1', 'P', 't', 'https://s/', ?, 'x')", [GENERAL_CHANNEL])
        db.execute("INSERT INTO teams_people VALUES ('p2', '29:2', 'Q', 't', 'https://s/', 'a:personal-29:U1', 'x')")
    db.close()
    db = open_database(tmp_path / "old.db")
    assert dict(db.execute("SELECT conversation_id, kind FROM teams_conversations").fetchall()) == {
        GENERAL_CHANNEL: "channel", "19:chat@thread.v2": "groupChat", "a:personal-29:U1": "personal"}
    assert dict(db.execute("SELECT aad_object_id, personal_conversation_id FROM teams_people").fetchall()) == {
        "p1": None, "p2": "a:personal-29:U1"}
    db.close()


async def test_a_deleted_reply_brought_back_is_a_comment_again(teams, fake_teams, db_path):
    card = await posted(teams, fake_teams)
    reply = say(teams, "Back again", [], user="U2", conversation=in_thread(card), replyToId=card)
    await teams.send(reply)
    await teams.send({**reply, "type": "messageDelete"})
    assert export_of(db_path)["ideas"][0]["comments"] == 0
    restored = {**reply, "type": "messageUpdate", "channelData": {**reply["channelData"], "eventType": "undeleteMessage"}}
    assert (await teams.send(restored)).status == 200
    assert export_of(db_path)["ideas"][0]["comments"] == 1
