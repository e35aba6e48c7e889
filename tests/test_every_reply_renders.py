"""Every reply of bot.replies renders on Slack, Teams and the shell, and every renderer table covers the union.

One realistic example per reply type, carrying typed text at its worst (`<!channel>`, quotes, emoji, 4,000
characters). Slack output goes through slack_sdk's Block Kit models, Teams cards through the official
Adaptive Card 1.5 schema (and are written to .ci/cards for CI's check), the shell's text must not be empty.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import replies as r
from bot.box_model import ActionStats, BoxAction, BoxDraft, BoxUse
from bot.challenge_model import Challenge
from bot.model import Comment, Decision, Experiment, Idea, Problem, ProblemStatus, Status
from handlers import shell_render
from handlers.slack import render as slack
from handlers.teams import render as teams
from tests.teams_cards import CardLog, shape_errors

ROOT = Path(__file__).resolve().parent.parent
TYPED = "<!channel> “quoted” 'single' \"double\" 🎉👍🏽 <@U0BOSS> *bold* _x_ `code` & <https://evil|click>"
LONG = (TYPED + " ") * (4000 // (len(TYPED) + 1))
LONG = LONG + "x" * (4000 - len(LONG))
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
MANAGER, AUTHOR, CHAMPION = "U0MGR1", "U0AUTH", "U0IT1"


def idea(number: int, status: Status = Status.OPEN, anonymous: bool = False) -> Idea:
    return Idea(number, "slack", f"{TYPED} title {number}", LONG, None if anonymous else AUTHOR, anonymous, status,
                NOW - timedelta(days=3), mission_goal=TYPED, votes=1, comments=2,
                fields={"problem": LONG, "root_cause": TYPED, "solution": LONG, "impact": TYPED})


PROBLEM = Problem(3, "slack", LONG, AUTHOR, ProblemStatus.OPEN, NOW - timedelta(days=2), reporters=4)
CHALLENGE = Challenge(1, "slack", LONG, 3, TYPED, date(2026, 12, 20), 3, "open", MANAGER, NOW - timedelta(days=5),
                      ideas=1)
CLOSED_CHALLENGE = Challenge(2, "slack", TYPED, None, None, date(2026, 11, 20), 2, "closed", MANAGER,
                             NOW - timedelta(days=40), closed_at=NOW - timedelta(days=10), ideas=5)
ACTION = BoxAction(1, "slack", TYPED, LONG[:3000], 25.0, "GBP", LONG[:3000], TYPED, MANAGER, "active",
                   NOW - timedelta(days=9))
PER_CUSTOMER = BoxAction(2, "slack", TYPED, TYPED, 1.0, "per customer per year", TYPED, TYPED, MANAGER, "active",
                         NOW - timedelta(days=9))
USE = BoxUse(7, 1, "slack", AUTHOR, 30.0, LONG[:3000], True, "counted", None, NOW, NOW)
STATS = ActionStats(uses=3, worked=2, answered=2)
EXPERIMENT = Experiment(TYPED, TYPED, 30.0, "2026-12-14", baseline=40.0)
STORY = r.story(r.Strong("Approved"), " by ", r.Person(MANAGER), ". Reason: ", TYPED, link="https://example.com/x")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DIGEST = r.WeeklyDigest(f"Weekly digest · {TYPED}", (
    r.Section(TYPED, ((TYPED, " by ", r.Person(AUTHOR), " on ", r.IdeaRef(4, TYPED, "https://example.com/4")),),
              more_hint="`/hero top week`", hidden=3),
    r.Section("Nothing", ()),
), chart=r.DigestChart(PNG, TYPED))

EXAMPLES = [
    r.Notice(LONG, link="https://example.com/n"),
    r.IdeaCard(idea(4)),
    r.IdeaList(TYPED, [idea(4), idea(5, Status.DECLINED, anonymous=True)], decisions={4: STORY}),
    r.IdeaDetail(idea(4), [Comment(4, AUTHOR, LONG, NOW)], link="https://example.com/t", decision=STORY),
    r.IdeaForm(goals=(TYPED, LONG[:300]), problems=(PROBLEM,), challenges=(CHALLENGE,), challenge_id=1),
    r.FieldErrors({"solution": TYPED, "impact": "Say what gets better."}),
    r.ProblemCard(PROBLEM, [idea(4)]),
    r.ProblemForm(),
    r.SimilarFound("idea", "tok123", [idea(4)], [PROBLEM]),
    r.HotspotList(TYPED, [r.Hotspot(PROBLEM, 5, 2, {"phone": 3, "chat": 2}, True)], 3, starts_challenges=True),
    r.SearchResults(TYPED, [idea(4), PROBLEM]),
    r.ReviewRequest(idea(4, Status.IN_REVIEW), "https://example.com/4",
                    Decision(4, "needs_info", MANAGER, NOW, note=TYPED)),
    r.DecisionForm("outcome", idea(4, Status.PILOTING), experiment=EXPERIMENT, verdict="implemented"),
    r.WinStory(idea(4, Status.IMPLEMENTED), LONG, 12, AUTHOR, MANAGER, CHAMPION, EXPERIMENT, f"C1 · {TYPED}"),
    r.WinList(TYPED, [(idea(4, Status.IMPLEMENTED), NOW)]),
    r.WaitingList(TYPED, [(idea(4), timedelta(days=3, hours=2))]),
    r.HomeView([idea(4)], [idea(5, anonymous=True)], r.WaitingList(TYPED, [(idea(6), timedelta(hours=5))]),
               {4: STORY}),
    STORY,
    DIGEST,
    r.ManagerQueue(TYPED, (r.QueueItem(idea(4), 6, escalated=True),), hidden=2),
    r.Reminder(idea(4, Status.PILOTING), 3, pilot_ended=date(2026, 11, 28)),
    r.Escalation(idea(4), 9, (MANAGER,)),
    r.PilotCheckIn(idea(4, Status.PILOTING, anonymous=True), date(2026, 12, 1), LONG, TYPED, 40.0, 30.0,
                   for_author=True),
    r.AuthorQuestion(idea(4, Status.NEEDS_INFO, anonymous=True), STORY),
    r.AnswerForm(idea(4, Status.NEEDS_INFO, anonymous=True), LONG[:3000], TYPED),
    r.BoxForm(BoxDraft(TYPED, TYPED, "25 GBP", LONG[:3000], TYPED), ACTION, errors={"limit": TYPED}),
    r.BoxList((r.BoxEntry(ACTION, STATS), r.BoxEntry(PER_CUSTOMER, ActionStats(0, 0, 0))), words=TYPED),
    r.BoxActionCard(ACTION, TYPED),
    r.UseForm(PER_CUSTOMER, {"customer": TYPED, "situation": LONG[:3000]}, {"customer": TYPED}),
    r.UseLogged(ACTION, BoxUse(8, 1, "slack", AUTHOR, 10.0, TYPED, False, "counted", None, NOW, NOW), LONG),
    r.OverLimit(ACTION, 9, TYPED),
    r.ExceptionRequest(ACTION, USE),
    r.FollowUp(ACTION, USE, again=True),
    r.BoxStory(ACTION, USE),
    r.ChampionList(TYPED, (r.Champion(AUTHOR, 2, ((ACTION, USE),)),)),
    r.BoxOffer(LONG, idea_id=4),
    r.NoMatch(TYPED, words=LONG[:2000]),
    r.ChallengeForm((PROBLEM,), (TYPED,), {"question": LONG[:3000]}, {"ends_on": TYPED}),
    r.ChallengeCard(CHALLENGE, "5 days left", top=[idea(4)],
                    problem=r.ProblemContext(PROBLEM, reporters=5, previous=2)),
    r.ChallengeList([r.ChallengeCard(CHALLENGE, "5 days left", top=[idea(4)])],
                    [r.ChallengeCard(CLOSED_CHALLENGE, "closing now", advanced=[idea(5, Status.IN_REVIEW)])]),
    r.ChallengeHalfway(CHALLENGE, "2 days left", [idea(4)]),
    r.ChallengeSummary(CLOSED_CHALLENGE, 3, [AUTHOR, "U0OTHER"], [idea(5, Status.IN_REVIEW)]),
]
UNION = set(r.Reply.__args__)
NAMES = {MANAGER: f"Maria {TYPED}", AUTHOR: "Ana 🎉", CHAMPION: "Ian"}


def example_id(reply) -> str:
    return type(reply).__name__


def schema_path() -> Path | None:
    """The official schemas: $HEROBOT_SCHEMAS, or ../shared/schemas next to the checkout (or its worktree folder)."""
    candidates = [Path(os.environ["HEROBOT_SCHEMAS"])] if os.environ.get("HEROBOT_SCHEMAS") else []
    candidates += [ROOT.parent / "shared" / "schemas", ROOT.parent.parent / "shared" / "schemas"]
    return next((c / "adaptive-card.schema.1.5.0.json" for c in candidates
                 if (c / "adaptive-card.schema.1.5.0.json").is_file()), None)


@pytest.fixture(scope="module")
def card_schema():
    path = schema_path()
    if path is None:
        pytest.skip("the Adaptive Card schema (../shared/schemas) is not here: set HEROBOT_SCHEMAS")
    return jsonschema.Draft6Validator(json.loads(path.read_text()))


# --- the tables cover the union, and the union covers the tables ---------------------------------

def test_every_reply_type_has_an_example_here():
    assert {type(e) for e in EXAMPLES} == UNION


@pytest.mark.parametrize("platform, table", [
    ("Slack", {**slack.RENDERERS, **slack.VIEWS, **slack.SUBMISSION_ANSWERS}),
    ("Teams", teams.RENDERERS),
    ("shell", shell_render.TEXTS),
])
def test_every_reply_type_in_the_union_has_a_renderer_on_every_platform(platform, table):
    assert sorted(t.__name__ for t in UNION - table.keys()) == [], f"{platform} cannot render these"
    assert sorted(t.__name__ for t in table.keys() - UNION) == [], f"{platform} renders these, missing from Reply"


def test_teams_names_only_people_of_the_union():
    assert teams.PEOPLE.keys() <= UNION


# --- each example renders, valid for its platform ------------------------------------------------

def slack_output(reply) -> list[tuple[str, dict]]:
    out = []
    if type(reply) in slack.RENDERERS:
        out.append(("message", slack.render(reply)))
    if type(reply) in slack.VIEWS:
        out.append(("view", slack.view(reply, {"channel": "C1"})))
    if type(reply) in slack.SUBMISSION_ANSWERS:
        out.append(("answer", slack.SUBMISSION_ANSWERS[type(reply)](reply)))
    return out


def mrkdwn_texts(node) -> list[str]:
    """Every text Slack parses as markup: mrkdwn objects and a message's fallback `text`."""
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in mrkdwn_texts(value)]
    return []


@pytest.mark.parametrize("reply", EXAMPLES, ids=example_id)
def test_slack_renders_it_as_valid_block_kit_with_typed_text_kept_as_text(reply):
    for kind, output in slack_output(reply):
        if kind == "message":
            assert output["text"] and 0 < len(output["blocks"]) <= 50
            for block in output["blocks"]:
                Block.parse(block).validate_json()
            parsed = [output["text"], *mrkdwn_texts(output["blocks"])]
        elif kind == "view":
            View(**output).validate_json()
            parsed = mrkdwn_texts(output["blocks"])
        else:
            assert output["response_action"] == "errors" and output["errors"]
            parsed = []
        assert not [t for t in parsed if "<!channel>" in t or "<@U0BOSS>" in t or "<https://evil" in t]


@pytest.mark.parametrize("reply", EXAMPLES, ids=example_id)
def test_teams_renders_it_as_a_valid_adaptive_card(reply, card_schema):
    activity = teams.render(reply, {k: v for k, v in NAMES.items() if k in teams.people_in(reply)})
    assert activity["type"] == "message"
    cards = [a["content"] for a in activity.get("attachments", [])]
    assert cards or activity.get("text")
    log = CardLog(f"every-reply-{type(reply).__name__}")
    for card in cards:
        assert shape_errors(card) == []
        errors = [f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in card_schema.iter_errors(card)]
        assert errors == []
        log.add(card)
    assert log.check_and_save() == []


def test_teams_never_looks_up_an_anonymous_author():
    for reply in EXAMPLES:
        anonymous = [i for i in (getattr(reply, "idea", None),) if i is not None and i.anonymous]
        if anonymous:
            assert AUTHOR not in teams.people_in(reply), type(reply).__name__


@pytest.mark.parametrize("reply", EXAMPLES, ids=example_id)
def test_the_shell_renders_it_as_text(reply):
    text = shell_render.as_text(reply)
    assert isinstance(text, str) and text.strip()


# --- words the core computes once read the same on every platform -------------------------------

def shown_everywhere(reply) -> dict[str, str]:
    """The text each platform shows for `reply` (Slack's and Teams' JSON, the shell's text)."""
    names = {k: v for k, v in NAMES.items() if k in teams.people_in(reply)}
    return {"Slack": json.dumps(slack.render(reply), ensure_ascii=False),
            "Teams": json.dumps(teams.render(reply, names), ensure_ascii=False),
            "shell": shell_render.as_text(reply)}


def test_a_win_credits_its_people_in_the_same_words_everywhere():
    win = r.WinStory(idea(4, Status.IMPLEMENTED, anonymous=True), "Calls down", 1, None, MANAGER, CHAMPION,
                     Experiment("fewer calls", "repeat calls", 8.0, "2026-12-14", baseline=10.0, result=7.5), "C1 · Q")
    for platform, shown in shown_everywhere(win).items():
        for words in ("💡 idea by a colleague who chose to stay anonymous", "👍 1 supporter", "✅ decided by ",
                      "🛠️ IT champion ", "🚩 born in challenge C1 · Q",
                      "📈 repeat calls: 7.5 against a target of 8 (baseline 10)"):
            assert words in shown, (platform, words)


def test_counts_are_worded_in_the_singular_for_one_everywhere():
    summary = r.ChallengeSummary(CLOSED_CHALLENGE, 1, [AUTHOR], [])
    box = r.ChampionList(TYPED, (r.Champion(AUTHOR, 1, ((ACTION, USE),)),))
    for reply, words in ((summary, "1 person"), (box, "1 use that worked")):
        for platform, shown in shown_everywhere(reply).items():
            assert words in shown and "1 people" not in shown and "1 uses" not in shown, (platform, words)


def test_a_review_card_names_its_decider_only_once_the_idea_is_decided():
    decision = Decision(4, "approve", MANAGER, NOW)
    waiting = r.ReviewRequest(idea(4, Status.IN_REVIEW), decision=decision)
    approved = r.ReviewRequest(idea(4, Status.APPROVED), decision=decision)
    assert waiting.decided is None and approved.decided == decision
    assert f"<@{MANAGER}>" not in str(slack.render(waiting)) and f"<@{MANAGER}>" in str(slack.render(approved))
    assert MANAGER not in teams.people_in(waiting) and MANAGER in teams.people_in(approved)
