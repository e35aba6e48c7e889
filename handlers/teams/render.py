"""Teams' renderer tables: which function turns each reply of bot.replies into a message activity
(an Adaptive Card, or markdown text for a Notice), and whose names that card shows.

`RENDERERS[type(reply)](reply, names)` is the activity; `PEOPLE[type(reply)](reply)` the people whose Teams
names `names` must hold (anonymous authors never). tests/test_every_reply_renders.py checks that every
member of `bot.replies.Reply` has a renderer here.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import replies as r
from handlers.teams import box_cards, cards, challenge_cards, decision_cards, digest_cards, problem_cards
from handlers.teams.cards import Names

RENDERERS: dict[type, Callable[[object, Names], dict]] = {
    r.Notice: cards.notice_activity,
    r.IdeaCard: cards.idea_card_activity,
    r.IdeaList: cards.idea_list_activity,
    r.IdeaDetail: cards.idea_detail_activity,
    r.IdeaForm: cards.idea_form_activity,
    r.FieldErrors: cards.field_errors_activity,
    r.ProblemCard: problem_cards.problem_card_activity,
    r.ProblemForm: problem_cards.problem_form_activity,
    r.SimilarFound: problem_cards.similar_found_activity,
    r.HotspotList: problem_cards.hotspot_list_activity,
    r.SearchResults: problem_cards.search_results_activity,
    r.Story: decision_cards.story_activity,
    r.ReviewRequest: decision_cards.review_request_activity,
    r.DecisionForm: decision_cards.decision_form_activity,
    r.WinStory: decision_cards.win_story_activity,
    r.WinList: decision_cards.win_list_activity,
    r.WaitingList: decision_cards.waiting_list_activity,
    r.HomeView: decision_cards.home_view_activity,
    r.AuthorQuestion: decision_cards.author_question_activity,
    r.AnswerForm: decision_cards.answer_form_activity,
    r.WeeklyDigest: digest_cards.weekly_digest_activity,
    r.ManagerQueue: digest_cards.manager_queue_activity,
    r.Reminder: digest_cards.reminder_activity,
    r.Escalation: digest_cards.escalation_activity,
    r.PilotCheckIn: digest_cards.pilot_check_in_activity,
    r.BoxList: box_cards.box_list_activity,
    r.NoMatch: box_cards.no_match_activity,
    r.BoxActionCard: box_cards.box_action_card_activity,
    r.BoxForm: box_cards.box_form_activity,
    r.UseForm: box_cards.use_form_activity,
    r.UseLogged: box_cards.use_logged_activity,
    r.OverLimit: box_cards.over_limit_activity,
    r.ExceptionRequest: box_cards.exception_request_activity,
    r.FollowUp: box_cards.follow_up_activity,
    r.BoxStory: box_cards.box_story_activity,
    r.ChampionList: box_cards.champion_list_activity,
    r.BoxOffer: box_cards.box_offer_activity,
    r.ChallengeCard: challenge_cards.challenge_card_activity,
    r.ChallengeList: challenge_cards.challenge_list_activity,
    r.ChallengeHalfway: challenge_cards.challenge_halfway_activity,
    r.ChallengeSummary: challenge_cards.challenge_summary_activity,
    r.ChallengeForm: challenge_cards.challenge_form_activity,
}

# Replies whose cards name nobody are left out (no names to look up).
PEOPLE: dict[type, Callable[[object], set[str]]] = {
    r.IdeaCard: cards.people_of_idea_card,
    r.IdeaList: cards.people_of_idea_list,
    r.IdeaDetail: cards.people_of_idea_detail,
    r.ProblemCard: problem_cards.people_of_problem_card,
    r.Story: decision_cards.people_of_story,
    r.ReviewRequest: decision_cards.people_of_review_request,
    r.DecisionForm: decision_cards.people_of_decision_form,
    r.WinStory: decision_cards.people_of_win_story,
    r.WinList: decision_cards.people_of_win_list,
    r.WaitingList: decision_cards.people_of_waiting_list,
    r.HomeView: decision_cards.people_of_home_view,
    r.AuthorQuestion: decision_cards.people_of_author_question,
    r.WeeklyDigest: digest_cards.people_of_weekly_digest,
    r.Escalation: digest_cards.people_of_escalation,
    r.OverLimit: box_cards.people_of_over_limit,
    r.ExceptionRequest: box_cards.people_of_exception_request,
    r.BoxStory: box_cards.people_of_box_story,
    r.ChampionList: box_cards.people_of_champion_list,
    r.BoxActionCard: box_cards.people_of_box_action_card,
    r.ChallengeCard: challenge_cards.people_of_challenge_card,
    r.ChallengeSummary: challenge_cards.people_of_challenge_summary,
}


def render(reply, names: Names) -> dict:
    """A reply as the fields of an outgoing message activity."""
    return r.renderer_for(RENDERERS, reply, "Teams")(reply, names)


def people_in(reply) -> set[str]:
    """Whose names the rendering of `reply` shows (anonymous authors never)."""
    people = PEOPLE.get(type(reply))
    return people(reply) if people else set()
