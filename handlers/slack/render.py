"""Slack's renderer tables: which function turns each reply of bot.replies into Block Kit.

Three tables, because Slack shows a reply in three ways: as a message (`chat.postMessage` / response_url
arguments), as a view (a modal or the App Home tab, opened by the listener with its own metadata), or as the
answer to a view submission (errors next to their fields). tests/test_every_reply_renders.py checks that
every member of `bot.replies.Reply` is in one of them.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import replies as r
from handlers.slack import blocks, box_blocks, challenge_blocks, decision_blocks, digest_blocks, problem_blocks

RENDERERS: dict[type, Callable[[object], dict]] = {
    r.Notice: blocks.notice_message,
    r.IdeaCard: blocks.idea_card_message,
    r.IdeaList: blocks.idea_list_message,
    r.IdeaDetail: blocks.idea_detail_message,
    r.ProblemCard: problem_blocks.problem_card_message,
    r.SimilarFound: problem_blocks.similar_found_message,
    r.HotspotList: problem_blocks.hotspot_list_message,
    r.SearchResults: problem_blocks.search_results_message,
    r.Story: decision_blocks.story_message,
    r.ReviewRequest: decision_blocks.review_request_message,
    r.WinStory: decision_blocks.win_story_message,
    r.WinList: decision_blocks.win_list_message,
    r.WaitingList: decision_blocks.waiting_list_message,
    r.HomeView: decision_blocks.home_message,
    r.AuthorQuestion: decision_blocks.author_question_message,
    r.WeeklyDigest: digest_blocks.weekly_digest_message,
    r.ManagerQueue: digest_blocks.manager_queue_message,
    r.Reminder: digest_blocks.reminder_message,
    r.Escalation: digest_blocks.escalation_message,
    r.PilotCheckIn: digest_blocks.pilot_check_in_message,
    r.BoxList: box_blocks.box_list_message,
    r.NoMatch: box_blocks.no_match_message,
    r.BoxActionCard: box_blocks.box_action_card_message,
    r.BoxForm: box_blocks.box_form_message,
    r.UseForm: box_blocks.use_form_message,
    r.UseLogged: box_blocks.use_logged_message,
    r.OverLimit: box_blocks.over_limit_message,
    r.ExceptionRequest: box_blocks.exception_request_message,
    r.FollowUp: box_blocks.follow_up_message,
    r.BoxStory: box_blocks.box_story_message,
    r.ChampionList: box_blocks.champion_list_message,
    r.BoxOffer: box_blocks.box_offer_message,
    r.ChallengeCard: challenge_blocks.challenge_card_message,
    r.ChallengeList: challenge_blocks.challenge_list_message,
    r.ChallengeHalfway: challenge_blocks.challenge_halfway_message,
    r.ChallengeSummary: challenge_blocks.challenge_summary_message,
    r.ChallengeForm: challenge_blocks.challenge_form_message,
}

# Forms and pages: `VIEWS[type(reply)](reply, metadata)` is the view to open; metadata is the listener's
# private_metadata (where to answer), ignored by views that need none.
VIEWS: dict[type, Callable[[object, dict], dict]] = {
    r.IdeaForm: blocks.idea_modal,
    r.ProblemForm: problem_blocks.problem_modal,
    r.DecisionForm: decision_blocks.decision_modal,
    r.AnswerForm: lambda form, metadata: decision_blocks.answer_modal(form),
    r.HomeView: lambda home, metadata: decision_blocks.home_view(home),
    r.BoxForm: box_blocks.box_modal,
    r.UseForm: box_blocks.use_modal,
    r.ChallengeForm: challenge_blocks.challenge_modal,
}

# The answer to a view submission.
SUBMISSION_ANSWERS: dict[type, Callable[[object], dict]] = {
    r.FieldErrors: blocks.field_errors,
}


def render(reply) -> dict:
    """A reply as `chat.postMessage` / response_url arguments: `text` (the fallback) and `blocks`."""
    return r.renderer_for(RENDERERS, reply, "Slack")(reply)


def view(reply, metadata: dict | None = None) -> dict:
    """A form or page as a Slack view (a modal, or the App Home tab)."""
    return r.renderer_for(VIEWS, reply, "Slack view")(reply, metadata or {})
