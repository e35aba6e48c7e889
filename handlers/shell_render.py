"""The shell's renderer table: each reply of bot.replies as plain text for the terminal.

A shell has no buttons: where Slack and Teams show one, the text names the command that stands for it
(`/vote N`, `/iused B1` …). tests/test_every_reply_renders.py checks that every member of
`bot.replies.Reply` has a renderer in `TEXTS`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import replies as r
from bot.box_model import limit_text, number_text
from bot.model import Idea
from bot.replies import (
    ADD_IDEA, ANSWERS, BoxActionCard, BoxForm, BoxList, BoxOffer, BoxStory, ChallengeCard, ChallengeForm,
    ChallengeHalfway, ChallengeList, ChallengeSummary, ChampionList, DecisionForm, ExceptionRequest, FieldErrors,
    FollowUp, HotspotList, IdeaCard, IdeaDetail, IdeaList, IdeaRef, NoMatch, Notice, OverLimit, Person, ProblemCard,
    ReviewRequest, SearchResults, SimilarFound, Story, Strong, UseForm, UseLogged, WaitingList, WeeklyDigest,
    WinList, WinStory, age_text, idea_line, ideas_text, people_text, reporters_text, status_line, trend_text,
    uses_text, working_days,
)
from bot.words import plural

FORM_TITLES = {"approve": "approval", "pilot": "pilot", "decline": "decline", "needs_info": "question",
               "outcome": "outcome"}


def notice_text(reply: Notice) -> str:
    return reply.text + (f" ({reply.link})" if reply.link else "")


def summary(card_idea) -> str:
    idea = card_idea
    author = "anonymous" if idea.anonymous else idea.author_id
    return (f"#{idea.id} {idea.display_title}  [{idea.status.label}] {plural(idea.votes, 'vote')}, "
            f"{plural(idea.comments, 'comment')}, by {author}")


def idea_card_text(reply: IdeaCard) -> str:
    idea = reply.idea
    lines = [summary(idea)]
    if idea.body:
        lines.append("    " + idea.body.replace("\n", "\n    "))
    if idea.mission_goal:
        lines.append(f"    goal: {idea.mission_goal}")
    return "\n".join(lines)


def idea_list_text(reply: IdeaList) -> str:
    lines = [reply.heading]
    for idea in reply.ideas:
        lines.append(f"  {summary(idea)}")
        if decision := reply.decisions.get(idea.id):
            lines.append(f"    {story_text(decision)}")
    return "\n".join(lines if reply.ideas else [reply.heading, f"  {reply.empty}"])


def idea_detail_text(reply: IdeaDetail) -> str:
    lines = [idea_card_text(IdeaCard(reply.idea))]
    if reply.decision:
        lines.append(f"    {story_text(reply.decision)}")
    lines += [f"  {c.user_id}: {c.text}" for c in reply.comments]
    return "\n".join(lines)


def field_errors_text(reply: FieldErrors) -> str:
    return "\n".join(reply.errors.values())


def line_text(line) -> str:
    """A digest line: people as @id, ideas as #number and title."""
    def part(p) -> str:
        if isinstance(p, Person):
            return f"@{p.user_id}"
        if isinstance(p, IdeaRef):
            return f"#{p.idea_id} {p.title}"
        return p
    return "".join(part(p) for p in line)


def weekly_digest_text(reply: WeeklyDigest) -> str:
    lines = [reply.title]
    for item in reply.sections:
        lines += ["", item.heading] + [f"  {line_text(line)}" for line in item.lines]
        if item.hidden:
            lines.append(f"  …and {item.hidden:,} more" + (f" — see {item.more_hint}" if item.more_hint else ""))
    return "\n".join(lines)


def problem_summary(problem) -> str:
    return f"{problem.ref} {problem.display_title}  [{problem.status.value}] {plural(problem.reporters, 'reporter')}"


def problem_card_text(reply: ProblemCard) -> str:
    lines = [problem_summary(reply.problem)] + [f"    addressed by #{i.id} {i.display_title}" for i in reply.ideas]
    return "\n".join(lines)


def similar_found_text(reply: SimilarFound) -> str:
    lines = ["Similar items are already open (nothing was posted):"]
    lines += [f"  {summary(i)}  → /vote {i.id}" for i in reply.ideas]
    lines += [f"  {problem_summary(p)}  → /metoo {p.id}" for p in reply.problems]
    lines.append(f"  or post yours anyway: /anyway {reply.token}")
    return "\n".join(lines)


def hotspot_list_text(reply: HotspotList) -> str:
    lines = [reply.heading] + [
        f"  {problem_summary(h.problem)}: {h.reporters} in the window, {h.previous} before, "
        f"{', '.join(f'{k} {v}' for k, v in h.channel_mix.items())}" + ("  SELF-SERVICE CANDIDATE" if h.self_service else "")
        for h in reply.hotspots]
    return "\n".join(lines if reply.hotspots else [reply.heading, f"  {reply.empty}"])


def search_results_text(reply: SearchResults) -> str:
    lines = [f"Search: {reply.words}"] + [
        f"  {summary(i) if isinstance(i, Idea) else problem_summary(i)}" for i in reply.items]
    return "\n".join(lines if reply.items else [lines[0], "  Nothing found."])


# --- decisions, pilots and wins ---

def story_text(reply: Story) -> str:
    parts = [p.user_id if isinstance(p, Person) else p.text if isinstance(p, Strong) else p for p in reply.parts]
    return "".join(parts)


def review_request_text(reply: ReviewRequest) -> str:
    return f"For your decision: {summary(reply.idea)}"


def decision_form_text(reply: DecisionForm) -> str:
    return f"The {FORM_TITLES[reply.kind]} form for #{reply.idea.id}."


def win_story_text(reply: WinStory) -> str:
    credits = "; ".join(story_text(Story(credit)) for credit in reply.credits())
    facts = "".join(f"\n    {fact}" for fact in reply.facts())
    return f"A win! #{reply.idea.id} {reply.idea.display_title}: {reply.outcome} ({credits}){facts}"


def win_list_text(reply: WinList) -> str:
    lines = [reply.heading] + [f"  {summary(i)}, implemented {at:%Y-%m-%d}" for i, at in reply.wins]
    return "\n".join(lines if reply.wins else [reply.heading, f"  {reply.empty}"])


def waiting_list_text(reply: WaitingList) -> str:
    lines = [reply.heading] + [f"  {summary(i)}, waiting {age_text(age)}" for i, age in reply.items]
    return "\n".join(lines if reply.items else [reply.heading, f"  {reply.empty}"])


# --- the empowerment box ---

def _action_text(action) -> str:
    return (f"{action.ref} {action.action}\n    for: {action.customers}\n    limit: {limit_text(action)}\n"
            f"    steps: {action.steps}\n    expected: {action.expected_outcome}")


def box_list_text(reply: BoxList) -> str:
    lines = [reply.heading]
    if not reply.entries:
        lines.append("  The box is empty. Managers add to it with /hero box add.")
    for entry in reply.entries:
        lines.append("  " + _action_text(entry.action).replace("\n", "\n  "))
        lines.append(f"      {uses_text(entry.stats.uses)} this month, {entry.stats.rate_text}  → /iused {entry.action.ref}")
    return "\n".join(lines)


def no_match_text(reply: NoMatch) -> str:
    return f"{reply.text}  → /postidea {reply.words}"


def box_action_card_text(reply: BoxActionCard) -> str:
    return f"{reply.headline}: {_action_text(reply.action)}\n    owner: {reply.action.owner}"


def box_form_text(reply: BoxForm) -> str:
    return "The box form: use /hero box add or /hero box edit <ref>."


def use_form_text(reply: UseForm) -> str:
    return f"I used {reply.action.ref}: /iused {reply.action.ref}"


def use_logged_text(reply: UseLogged) -> str:
    return reply.text + ("" if reply.use.story else f"  → /story {reply.use.id} (Share as a story)")


def over_limit_text(reply: OverLimit) -> str:
    return (f"Not logged: {reply.text} The owner of {reply.action.ref} is {reply.action.owner}."
            f"  → /exception {reply.use_id} (Ask for an exception)")


def exception_request_text(reply: ExceptionRequest) -> str:
    use = reply.use
    amount = f" {number_text(use.amount)} {reply.action.unit}" if use.amount is not None else ""
    text = f"{use.user_id} asks for an exception to {reply.action.ref} ({limit_text(reply.action)}):{amount} {use.note}"
    if reply.answered:
        return f"{text} [{reply.answered}]"
    return f"{text}  → /allow {use.id} (Allow once) or /decline {use.id} (Decline)"


def follow_up_text(reply: FollowUp) -> str:
    use = reply.use
    text = f"Did it work? You used {reply.action.ref} {reply.action.action}: {use.note}"
    if reply.answered:
        return f"{text} [recorded: {ANSWERS[reply.answered]}]"
    return f"{text}  → /worked {use.id} · /didnotwork {use.id} · /tooearly {use.id}"


def box_story_text(reply: BoxStory) -> str:
    return f"📣 {reply.use.user_id} used {reply.action.ref} {reply.action.action}: {reply.use.note}"


def champion_list_text(reply: ChampionList) -> str:
    lines = [reply.heading] + ([f"  {reply.empty}"] if not reply.champions else [])
    for champion in reply.champions:
        lines.append(f"  🏅 {champion.user_id}: {uses_text(champion.worked)} that worked")
        lines += [f"      {action.ref} {action.action}: {use.note}" for action, use in champion.stories]
    return "\n".join(lines)


def box_offer_text(reply: BoxOffer) -> str:
    return f"{reply.text}  → /addtobox {reply.idea_id} (Add to the box)"


# --- challenges ---

def challenge_card_text(reply: ChallengeCard) -> str:
    challenge = reply.challenge
    lines = [f"{challenge.ref} {challenge.display_question}  [{status_line(reply)}] by {challenge.created_by}"]
    if challenge.goal:
        lines.append(f"    goal: {challenge.goal}")
    if reply.problem:
        spot = reply.problem
        lines.append(f"    problem {spot.problem.ref} {spot.problem.display_title}: "
                     f"{reporters_text(spot.problem.reporters)}, {trend_text(spot.reporters, spot.previous)}")
    shown, heading = (reply.advanced, "advanced to review") if reply.advanced else (reply.top, "most voted")
    if shown:
        lines.append(f"    {heading}:")
        lines += [f"      {idea_line(i)}" for i in shown]
    if challenge.is_open:
        lines.append(f"    {ADD_IDEA}: /idea challenge {challenge.ref} <your idea>")
    return "\n".join(lines)


def challenge_list_text(reply: ChallengeList) -> str:
    lines = ["Open challenges"] + [f"  {challenge_card_text(c)}" for c in reply.open] + (["  none"] if not reply.open else [])
    lines += [f"Closed in the last {reply.days} days"] + [f"  {challenge_card_text(c)}" for c in reply.closed]
    return "\n".join(lines + (["  none"] if not reply.closed else []))


def challenge_halfway_text(reply: ChallengeHalfway) -> str:
    top = "; ".join(idea_line(i) for i in reply.top) or "no ideas yet"
    return (f"Halfway through challenge {reply.challenge.ref}: {ideas_text(reply.challenge.ideas)} so far, "
            f"{reply.time_left}. Most voted: {top}")


def challenge_summary_text(reply: ChallengeSummary) -> str:
    challenge = reply.challenge
    named = f" Thanks to {', '.join(reply.named)}." if reply.named else ""
    advanced = "; ".join(idea_line(i) for i in reply.advanced) or "none"
    return (f"Challenge {challenge.ref} is closed: {challenge.display_question}. {ideas_text(challenge.ideas)} "
            f"from {people_text(reply.people)}.{named} Advanced to review: {advanced}")


def challenge_form_text(reply: ChallengeForm) -> str:
    return "Start a challenge with /hero challenge (managers)."


# --- forms, pages and scheduled nudges (the shell fills forms in line by line: handlers/shell.py) ---

def idea_form_text(reply: r.IdeaForm) -> str:
    return "Share an idea: /idea <text>, or /idea alone to be asked for each field."


def problem_form_text(reply: r.ProblemForm) -> str:
    return "Log a customer problem: /problem <what the customer tried and what went wrong>."


def answer_form_text(reply: r.AnswerForm) -> str:
    return f"Answer privately about #{reply.idea.id} {reply.idea.display_title}: posted in its thread without your name."


def author_question_text(reply: r.AuthorQuestion) -> str:
    return f"{story_text(reply.message)}  (answer privately: the Answer button on Slack or Teams)"


def home_view_text(reply: r.HomeView) -> str:
    lines = [reply.greeting, ""] if reply.greeting else []
    lines += [waiting_list_text(reply.waiting), ""] if reply.waiting is not None else []
    for heading, ideas, empty in reply.lists():
        lines.append(heading)
        for idea in ideas:
            lines.append(f"  {summary(idea)}")
            if decision := reply.decisions.get(idea.id):
                lines.append(f"    {story_text(decision)}")
        lines += [] if ideas else [f"  {empty}"]
    return "\n".join(lines)


def manager_queue_text(reply: r.ManagerQueue) -> str:
    lines = [reply.title] + [f"  {summary(item.idea)}, waiting {working_days(item.waiting_days)}"
                             + ("  ESCALATED" if item.escalated else "") for item in reply.items]
    return "\n".join(lines + ([f"  …and {reply.hidden:,} more"] if reply.hidden else []))


def reminder_text(reply: r.Reminder) -> str:
    if reply.pilot_ended:
        return (f"Reminder: the pilot of {summary(reply.idea)} ended on {reply.pilot_ended:%Y-%m-%d}; its result is "
                f"missing ({working_days(reply.waiting_days)} overdue).")
    return f"Reminder: {summary(reply.idea)} has waited {working_days(reply.waiting_days)} for your decision."


def escalation_text(reply: r.Escalation) -> str:
    what = (f"has had no result since its pilot ended on {reply.pilot_ended:%Y-%m-%d}" if reply.pilot_ended
            else f"has waited {working_days(reply.waiting_days)} for a decision")
    managers = ", ".join(reply.managers) or "no manager configured"
    return f"Escalation: {summary(reply.idea)} {what}. Its managers: {managers}."


def pilot_check_in_text(reply: r.PilotCheckIn) -> str:
    baseline = f"from {reply.baseline:g} " if reply.baseline is not None else ""
    return (f"The pilot of {summary(reply.idea)} ends {reply.ends_on:%Y-%m-%d}. Hypothesis: {reply.hypothesis}. "
            f"Metric: {reply.metric}, {baseline}to a target of {reply.target:g}.")


TEXTS: dict[type, Callable[[object], str]] = {
    r.Notice: notice_text,
    r.IdeaCard: idea_card_text,
    r.IdeaList: idea_list_text,
    r.IdeaDetail: idea_detail_text,
    r.IdeaForm: idea_form_text,
    r.FieldErrors: field_errors_text,
    r.ProblemCard: problem_card_text,
    r.ProblemForm: problem_form_text,
    r.SimilarFound: similar_found_text,
    r.HotspotList: hotspot_list_text,
    r.SearchResults: search_results_text,
    r.Story: story_text,
    r.ReviewRequest: review_request_text,
    r.DecisionForm: decision_form_text,
    r.WinStory: win_story_text,
    r.WinList: win_list_text,
    r.WaitingList: waiting_list_text,
    r.HomeView: home_view_text,
    r.AuthorQuestion: author_question_text,
    r.AnswerForm: answer_form_text,
    r.WeeklyDigest: weekly_digest_text,
    r.ManagerQueue: manager_queue_text,
    r.Reminder: reminder_text,
    r.Escalation: escalation_text,
    r.PilotCheckIn: pilot_check_in_text,
    r.BoxList: box_list_text,
    r.NoMatch: no_match_text,
    r.BoxActionCard: box_action_card_text,
    r.BoxForm: box_form_text,
    r.UseForm: use_form_text,
    r.UseLogged: use_logged_text,
    r.OverLimit: over_limit_text,
    r.ExceptionRequest: exception_request_text,
    r.FollowUp: follow_up_text,
    r.BoxStory: box_story_text,
    r.ChampionList: champion_list_text,
    r.BoxOffer: box_offer_text,
    r.ChallengeCard: challenge_card_text,
    r.ChallengeList: challenge_list_text,
    r.ChallengeHalfway: challenge_halfway_text,
    r.ChallengeSummary: challenge_summary_text,
    r.ChallengeForm: challenge_form_text,
}


def as_text(reply) -> str:
    """A reply as the shell prints it."""
    return r.renderer_for(TEXTS, reply, "text")(reply)
