"""The neutral interaction layer at the core: the `/idea` grammar, typed commands, form submissions and the
buttons on ideas and problems, on a real SQLite file with a recording chat as the platform (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import new_core
from bot import clicks, grammar
from bot.challenges import submit_challenge
from bot.commands import ANONYMOUS_IN_PRIVATE, idea_command, problem_command
from bot.config import Config
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.export import export
from bot.interactions import FormToFill, Outcome, Request, outcome
from bot.model import Draft, Origin, ProblemDraft
from bot.replies import FieldErrors, IdeaCard, IdeaForm, Notice, ProblemCard, ProblemForm, SimilarFound
from bot.submissions import IDEA_SAVED, PROBLEM_SAVED, submit_idea_form, submit_problem_form
from storage.db import open_database
from tests.core_fixtures import Clock, MovingClock, RecordingChat

MANAGER = "UMGR"
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NASTY = "<!channel> “quotes” 🎉 & <@UMGR> " + "x" * 40


@pytest.fixture
def chat():
    return RecordingChat()


@pytest.fixture(params=["fixed", "moving"])
def core(tmp_path, chat, request):
    config = Config.from_dict({"slack": {"ideas_channel": "CIDEAS"}, "roles": {"managers": [MANAGER]},
                               "mission": {"goals": ["Shorter waits"]}})
    clock = Clock(START) if request.param == "fixed" else MovingClock(START)
    core = new_core(open_database(tmp_path / "core.db"), config, clock=clock)
    core.chats["slack"] = chat
    return core


def private(user: str = "U1") -> Request:
    return Request(Origin("slack", user, "CGEN"), private=True)


def shared(user: str = "U1") -> Request:
    return Request(Origin("slack", user, "CGEN"), private=False)


def ideas(core) -> list[dict]:
    return export(core.db)["ideas"]


# --- the grammar ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Offer callbacks", ("Offer callbacks", False, None)),
    ("anon Offer callbacks", ("Offer callbacks", True, None)),
    ("ANONYMOUS  Offer\ncallbacks", ("Offer\ncallbacks", True, None)),
    ("anon\nOffer callbacks", ("Offer callbacks", True, None)),
    ("anon", ("", True, None)),
    ("", ("", False, None)),
    ("anonymity matters", ("anonymity matters", False, None)),
    ("challenge C2 Text the locker code", ("Text the locker code", False, 2)),
    ("anon challenge c3 Text it", ("Text it", True, 3)),
    ("challenge C3 anon Text it", ("Text it", True, 3)),
    ("challenge accepted: shorter queues", ("challenge accepted: shorter queues", False, None)),
])
def test_one_grammar_reads_idea_text(text, expected):
    draft = grammar.idea_draft(text)
    assert (draft.text, draft.anonymous, draft.challenge_id) == expected
    assert grammar.asks_anonymity(text) == expected[1]


def test_a_challenge_prefix_without_an_idea_is_refused_with_the_usage():
    with pytest.raises(Refused, match="idea challenge"):
        grammar.idea_draft("challenge C1 anon")
    assert grammar.asks_anonymity("challenge C1 anon") is False


# --- typed commands ----------------------------------------------------------------------------------

async def test_an_anonymous_idea_typed_where_others_see_it_is_refused_and_nothing_is_stored(core, chat):
    reply = await idea_command(core, shared(), f"anon {NASTY}")
    assert reply == Notice(ANONYMOUS_IN_PRIVATE)
    await core.background.drain()
    assert ideas(core) == [] and chat.posts == []


async def test_an_anonymous_idea_typed_in_private_is_posted_without_its_author(core, chat):
    assert await idea_command(core, private(), f"anon {NASTY}") is None  # the note follows once posted
    await core.background.drain()
    [idea] = ideas(core)
    assert idea["anonymous"] and idea["author"] is None and NASTY in idea["title"]
    assert [type(p.reply) for p in chat.posts] == [IdeaCard]


@pytest.mark.parametrize("text, anonymous", [("", False), ("  anon ", True)])
async def test_an_idea_command_without_text_asks_for_the_form(core, text, anonymous):
    reply = await idea_command(core, shared(), text)
    assert isinstance(reply, FormToFill) and isinstance(reply.form, IdeaForm) and reply.anonymous is anonymous
    assert reply.form.goals == ("Shorter waits",)


async def test_a_challenge_idea_goes_through_the_same_command_and_the_same_privacy_rule(core, chat):
    challenge, errors = await submit_challenge(core, Origin("slack", MANAGER, "CGEN"), {
        "question": "How might we stop the parcel calls?", "ends_on": "2026-03-20", "advance": "2"})
    assert errors == {} and challenge is not None
    assert await idea_command(core, shared(), "anon challenge C1 Text the code") == Notice(ANONYMOUS_IN_PRIVATE)
    with pytest.raises(Refused, match="no challenge C9"):
        await idea_command(core, private(), "challenge C9 Text the code")
    await idea_command(core, private("U2"), "challenge C1 anon Text the locker code")
    await core.background.drain()
    [idea] = ideas(core)
    assert idea["anonymous"] and idea["title"] == "Text the locker code"


async def test_a_problem_command_posts_or_asks_for_the_form(core, chat):
    reply = await problem_command(core, shared(), "   ")
    assert isinstance(reply, FormToFill) and isinstance(reply.form, ProblemForm)
    await problem_command(core, shared(), NASTY)
    await core.background.drain()
    assert [p["text"] for p in export(core.db)["problems"]] == [NASTY]


# --- form submissions ----------------------------------------------------------------------------------

FORM = dict(problem="Long holds", root_cause="Staffing", solution="Call-back slots", impact="Less waiting")


@pytest.mark.parametrize("changes, field", [
    ({"solution": " "}, "solution"),
    ({"problem": ""}, "problem"),
    ({"mission_goal": "World peace"}, "mission_goal"),
    ({"impact": "x" * 4000}, "solution"),  # the whole text is too long: shown under the solution
    ({"problem_id": 99}, "problem_id"),  # the draft passed; what it links to refused it
    ({"challenge_id": 7}, "challenge_id"),
])
async def test_an_idea_form_with_a_problem_comes_back_with_the_field_to_fix(core, chat, changes, field):
    result = await submit_idea_form(core, private(), Draft(**{**FORM, **changes}))
    assert isinstance(result, FieldErrors) and list(result.errors) == [field]
    await core.background.drain()
    assert ideas(core) == [] and chat.posts == []


async def test_the_anonymous_box_on_a_form_others_see_is_refused_there(core):
    result = await submit_idea_form(core, shared(), Draft(**FORM, anonymous=True))
    assert result == FieldErrors({"anonymous": ANONYMOUS_IN_PRIVATE})
    assert ideas(core) == []


async def test_a_saved_form_says_so_and_the_idea_is_posted(core, chat):
    result = await submit_idea_form(core, private(), Draft(**FORM, mission_goal="Shorter waits"))
    assert result == Notice(IDEA_SAVED)
    await core.background.drain()
    assert [i["title"] for i in ideas(core)] == ["Call-back slots"] and len(chat.posts) == 1


async def test_a_failed_save_is_a_field_error_and_nothing_is_kept(core):
    core.db.execute("CREATE TEMP TRIGGER no_ideas BEFORE INSERT ON ideas BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    core.db.execute("CREATE TEMP TRIGGER no_problems BEFORE INSERT ON problems "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    assert await submit_idea_form(core, private(), Draft(**FORM)) == FieldErrors({"problem": SAVE_FAILED})
    assert await submit_problem_form(core, private(), ProblemDraft(went_wrong="Lost parcel")) == FieldErrors(
        {"went_wrong": SAVE_FAILED})
    assert ideas(core) == [] and export(core.db)["problems"] == []


@pytest.mark.parametrize("draft, field", [
    (ProblemDraft(tried="Reset the password"), "went_wrong"),
    (ProblemDraft(went_wrong="x" * 4001), "went_wrong"),
    (ProblemDraft(went_wrong="Lost", contact_channel="pigeon"), "contact_channel"),
])
async def test_a_problem_form_with_a_problem_comes_back_with_the_field_to_fix(core, draft, field):
    result = await submit_problem_form(core, private(), draft)
    assert isinstance(result, FieldErrors) and field in result.errors


async def test_a_problem_form_is_saved_or_offers_the_similar_ones(core, chat):
    draft = ProblemDraft(tried="Tracking page", went_wrong="Parcel tracking page shows nothing")
    assert await submit_problem_form(core, private(), draft) == Notice(PROBLEM_SAVED)
    await core.background.drain()
    again = await submit_problem_form(core, private("U2"), draft)
    assert isinstance(again, SimilarFound) and [p.id for p in again.problems] == [1]


# --- buttons ------------------------------------------------------------------------------------------

async def posted_idea(core, text="Offer a callback when the phone queue is long", user="U1") -> int:
    await idea_command(core, private(user), text)
    await core.background.drain()
    return ideas(core)[-1]["id"]


async def test_vote_returns_the_note_and_the_card_with_the_new_count(core):
    idea_id = await posted_idea(core)
    voted = await clicks.vote(core, private("U2"), idea_id)
    assert isinstance(voted.view, IdeaCard) and voted.view.idea.votes == 1 and "voted" in voted.note.text
    taken_back = await clicks.vote(core, private("U2"), idea_id)
    assert taken_back.view.idea.votes == 0


async def test_me_too_returns_the_note_and_the_card_with_the_new_count(core):
    await problem_command(core, private(), "Parcel tracking page shows nothing")
    await core.background.drain()
    counted = await clicks.count_me_too(core, private("U2"), 1)
    assert isinstance(counted.view, ProblemCard) and counted.view.problem.reporters == 2
    assert (await clicks.count_me_too(core, private("U2"), 1)).view.problem.reporters == 2


async def test_the_similar_offer_vote_instead_or_post_mine_anyway(core, chat):
    idea_id = await posted_idea(core)
    offer = await idea_command(core, private("U2"), "Callback offer when the phone queue gets long")
    assert isinstance(offer, SimilarFound) and [i.id for i in offer.ideas] == [idea_id]
    instead = await clicks.vote_on_similar(core, private("U2"), idea_id, offer.token)
    assert instead.view == instead.note and "not posted" in instead.note.text
    assert ideas(core)[0]["votes"] == 1
    with pytest.raises(Refused, match="no longer waiting"):  # the draft was dropped
        await clicks.post_mine_anyway(core, private("U2"), offer.token)
    offer = await idea_command(core, private("U3"), "Callback offer when the phone queue gets long")
    assert await clicks.post_mine_anyway(core, private("U3"), offer.token) == Outcome(None, Notice(clicks.POSTING_ANYWAY))
    await core.background.drain()
    assert len(ideas(core)) == 2


async def test_outcome_turns_refusals_and_failed_saves_into_notes():
    async def refused():
        raise Refused("Not yours.")

    async def failed():
        raise SaveFailed("disk I/O error")

    assert await outcome(refused()) == Notice("Not yours.")
    assert await outcome(failed()) == Notice(SAVE_FAILED)


# --- the same rule through Teams (HTTP): where `private` comes from ----------------------------------------

async def test_an_anonymous_challenge_idea_typed_in_a_teams_channel_is_refused(app_client, teams, fake_teams, db_path):
    from datetime import date

    from handlers.web import CORE
    from tests.conftest import export_of
    from tests.teams_requests import GENERAL_CHANNEL

    ends_on = (date.today() + timedelta(days=10)).isoformat()
    challenge, errors = await submit_challenge(app_client.app[CORE], Origin("teams", "U0MGR1", GENERAL_CHANNEL), {
        "question": "How might we stop the parcel calls?", "ends_on": ends_on, "advance": "2"})
    assert errors == {} and challenge is not None
    response = await teams.message(f"idea challenge {challenge.ref} anon My manager ignores the queue")
    assert response.status == 200
    note = (await fake_teams.wait_for("send", where=lambda c: "personal chat" in c.text()))[0]
    assert "nothing was posted" in note.text()
    assert export_of(db_path)["ideas"] == []
