"""Adaptive Cards (1.5) for scheduled messages: the weekly digest, manager queues, reminders,
escalations and pilot check-ins.

The digest keeps the core's summary (first lines of each part, counts of the rest) and stays
under Teams' ~80 KB however busy the week: each line is cut to `LINE_LIMIT`, each part to
`SECTION_BYTES`, and `card()` drops the tail if it were ever still too big.
Buttons use the Slack words; the decision buttons are the review cards' own
(handlers/teams/decision_cards.py), so the decision flow answers them.
"""

from __future__ import annotations

import base64

from bot.model import Idea
from bot.replies import (
    STATUS_BADGES, Escalation, Line, ManagerQueue, Person, PilotCheckIn, Reminder, Section, WeeklyDigest, counts,
    working_days,
)
from handlers.teams.cards import Names, card, execute, message, name_of, parts_runs, runs, text_block
from handlers.teams.decision_cards import answer_action, decision_actions, record_result_action

REMIND_TOMORROW_VERB = "remind_tomorrow"
LINE_LIMIT = 400
SECTION_BYTES = 9_000  # seven parts of at most this stay well under the 80 KB of a Teams message
MAX_QUEUE_SHOWN = 20
MAX_CHART_BYTES = 20_000  # the picture's data URI; the digest's parts keep the rest under Teams' ~80 KB


def remind_action(idea: Idea) -> dict:
    return execute("Remind me tomorrow", REMIND_TOMORROW_VERB, {"idea": idea.id})


def line_runs(line: Line, names: Names) -> dict:
    """A digest line: people by their Teams name, ideas in bold (with a link when there is one)."""
    return parts_runs(line, names, LINE_LIMIT)


def section_blocks(item: Section, names: Names) -> list[dict]:
    """The heading and as many whole lines as fit in `SECTION_BYTES`, then how many more there are."""
    blocks = [text_block(item.heading, bold=True)]
    blocks[0]["separator"] = True
    used = 0
    for n, line in enumerate(item.lines):
        block = line_runs(line, names)
        size = len(str(block).encode())
        if used + size > SECTION_BYTES:
            blocks.append(_more(len(item.lines) - n + item.hidden, item.more_hint))
            return blocks
        used += size
        blocks.append(block)
    if item.hidden:
        blocks.append(_more(item.hidden, item.more_hint))
    return blocks


def _more(count: int, hint: str) -> dict:
    hint = hint.replace("`/", "`")  # Teams commands have no slash
    return text_block(f"…and {count:,} more" + (f" — see {hint}" if hint else ""), subtle=True)


def weekly_digest_activity(reply: WeeklyDigest, names: Names) -> dict:
    body = [text_block(reply.title, bold=True, size="Large"), *chart_image(reply)]
    for item in reply.sections:
        body += section_blocks(item, names)
    return message(card(body), reply.title)


def chart_image(reply: WeeklyDigest) -> list[dict]:
    """The week's picture as a data URI (no public address needed, nothing to fetch later); left out when too
    big for the room a Teams message has beside the digest's text."""
    if reply.chart is None:
        return []
    url = "data:image/png;base64," + base64.b64encode(reply.chart.png).decode()
    if len(url) > MAX_CHART_BYTES:
        return []
    return [{"type": "Image", "url": url, "altText": reply.chart.alt[:1000], "size": "Stretch"}]


def _heading(idea: Idea) -> tuple[str, dict]:
    return f"#{idea.id} · {idea.display_title}", {"weight": "Bolder"}


def manager_queue_activity(reply: ManagerQueue, names: Names) -> dict:
    body = [text_block(reply.title, bold=True, size="Medium")]
    for item in reply.items[:MAX_QUEUE_SHOWN]:
        idea = item.idea
        flag = " · ⚠️ escalated" if item.escalated else ""
        body.append({**runs(_heading(idea), f"\n{STATUS_BADGES[idea.status]} for {working_days(item.waiting_days)} · "
                             f"{counts(idea)}{flag}"), "separator": True})
        body.append({"type": "ActionSet", "actions": decision_actions(idea)})
    if reply.hidden:
        body.append(text_block(f"…and {reply.hidden:,} more waiting: decide on these first, the rest follow next week",
                               subtle=True))
    return message(card(body), reply.title)


def reminder_activity(reply: Reminder, names: Names) -> dict:
    idea = reply.idea
    if reply.pilot_ended:
        text = runs("⏰ The pilot of ", _heading(idea), f" ended on {reply.pilot_ended:%Y-%m-%d} and its result is "
                    f"still missing ({working_days(reply.waiting_days)} overdue).")
        actions = [record_result_action(idea)]
    else:
        text = runs("⏰ ", _heading(idea), f" has waited {working_days(reply.waiting_days)} for your decision "
                    f"({STATUS_BADGES[idea.status]}).")
        actions = decision_actions(idea)
    body = [text, runs(counts(idea), subtle=True)]
    return message(card(body, [*actions, remind_action(idea)]), f"Reminder: idea #{idea.id} is waiting for you")


def escalation_activity(reply: Escalation, names: Names) -> dict:
    idea = reply.idea
    what = (f" has had no result since its pilot ended on {reply.pilot_ended:%Y-%m-%d}" if reply.pilot_ended
            else f" has waited {working_days(reply.waiting_days)} for a decision")
    managers: list[str | tuple[str, dict]] = []
    for n, manager in enumerate(reply.managers[:5]):
        managers += [", " if n else "", (name_of(manager, names), {"weight": "Bolder"})]
    body = [runs("⚠️ Escalation: ", _heading(idea), what, ". Its managers: ", *(managers or ["no manager configured"]),
                 "."),
            text_block(f"`hero show {idea.id}`", subtle=True)]
    return message(card(body), f"Escalation: idea #{idea.id}")


def pilot_check_in_activity(reply: PilotCheckIn, names: Names) -> dict:
    idea = reply.idea
    baseline = f"from {reply.baseline:g} " if reply.baseline is not None else ""
    who = "🧪 Your idea " if reply.for_author else "🧪 The pilot of "
    body = [runs(who, _heading(idea), f" ends today ({reply.ends_on:%Y-%m-%d}). How did it go?"),
            runs(("Hypothesis: ", {"weight": "Bolder"}), reply.hypothesis),
            runs(("Metric: ", {"weight": "Bolder"}), f"{reply.metric}, {baseline}to a target of {reply.target:g}")]
    if reply.for_author and idea.anonymous:  # never in public: the answer goes through the private form
        body.append(text_block("Tell your manager what you saw with the button: your answer is posted in the idea's "
                               "thread without your name; they record the result."))
        return message(card(body, [answer_action(idea.id)]), f"The pilot of your idea #{idea.id} ends today")
    if reply.for_author:  # only a manager or the IT champion records the result: the author tells them
        body.append(text_block("Tell your manager what you saw by replying in the idea's thread; they record the result."))
        return message(card(body), f"The pilot of your idea #{idea.id} ends today")
    return message(card(body, [record_result_action(idea)]), f"Pilot #{idea.id} ends today: record its result")


def people_of_weekly_digest(reply: WeeklyDigest) -> set[str]:
    return {part.user_id for item in reply.sections for line in item.lines for part in line if isinstance(part, Person)}


def people_of_escalation(reply: Escalation) -> set[str]:
    return set(reply.managers[:5])
