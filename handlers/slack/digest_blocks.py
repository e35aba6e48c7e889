"""Block Kit for scheduled messages: the weekly digest, manager queues, reminders, check-ins.

However busy the week, the digest stays within Slack's limits (50 blocks, 3,000 characters
a section): each section keeps whole lines while they fit and says how many more there are.
"""

from __future__ import annotations

from bot.model import shorten
from bot.replies import (
    STATUS_BADGES, Escalation, Line, ManagerQueue, PilotCheckIn, Reminder, Section, WeeklyDigest, counts,
    working_days,
)
from handlers.slack.decision_blocks import answer_button
from handlers.slack.blocks import SECTION_LIMIT, context, decision_buttons, escape, idea_heading, parts_mrkdwn, section

REMIND_TOMORROW = "remind_tomorrow"
RECORD_RESULT = "decide_implemented"  # the decision flow's listener opens the outcome modal
MAX_BLOCKS = 50
LINE_LIMIT = 400


def mrkdwn(line: Line) -> str:
    return shorten(parts_mrkdwn(line), LINE_LIMIT)


def fit_section(item: Section, limit: int = SECTION_LIMIT) -> dict:
    """One section block: the heading and as many whole lines as fit, then how many more there are."""
    text = f"*{escape(item.heading)}*"
    lines = [mrkdwn(line) for line in item.lines]
    for n, line in enumerate(lines):
        left = len(lines) - n + item.hidden
        if len(text) + 1 + len(line) + len(_more(left, item.more_hint)) + 1 > limit:
            return section(f"{text}\n{_more(left, item.more_hint)}")
        text += "\n" + line
    if item.hidden:
        text += "\n" + _more(item.hidden, item.more_hint)
    return section(text)


def _more(count: int, hint: str) -> str:
    return f"…and {count:,} more" + (f" — see {hint}" if hint else "")


def weekly_digest_message(reply: WeeklyDigest) -> dict:
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": shorten(reply.title, 150), "emoji": True}}]
    for item in reply.sections[: MAX_BLOCKS - 1]:
        blocks.append(fit_section(item))
    return {"text": escape(reply.title), "blocks": blocks}


def manager_queue_message(reply: ManagerQueue) -> dict:
    blocks = [section(f"*{escape(reply.title)}*")]
    for item in reply.items[:23]:  # two blocks each, under the 50-block limit
        idea = item.idea
        flag = " · ⚠️ escalated" if item.escalated else ""
        blocks.append(section(f"{idea_heading(idea)}\n{STATUS_BADGES[idea.status]} for {working_days(item.waiting_days)}"
                              f" · {counts(idea)}{flag}"))
        blocks.append({"type": "actions", "block_id": f"queue_{idea.id}", "elements": decision_buttons(idea)})
    if reply.hidden:
        blocks.append(context(f"…and {reply.hidden:,} more waiting: decide on these first, the rest follow next week"))
    return {"text": escape(reply.title), "blocks": blocks}


def remind_button(idea_id: int) -> dict:
    return {"type": "button", "action_id": REMIND_TOMORROW, "value": str(idea_id),
            "text": {"type": "plain_text", "text": "Remind me tomorrow"}}


def record_button(idea_id: int) -> dict:
    return {"type": "button", "action_id": RECORD_RESULT, "value": str(idea_id), "style": "primary",
            "text": {"type": "plain_text", "text": "Record result"}}


def reminder_message(reply: Reminder) -> dict:
    idea = reply.idea
    if reply.pilot_ended:
        text = (f"⏰ The pilot of {idea_heading(idea)} ended on {reply.pilot_ended:%Y-%m-%d} and its result is "
                f"still missing ({working_days(reply.waiting_days)} overdue).")
        buttons = [record_button(idea.id)]
    else:
        text = (f"⏰ {idea_heading(idea)} has waited {working_days(reply.waiting_days)} for your decision "
                f"({STATUS_BADGES[idea.status]}).")
        buttons = decision_buttons(idea)
    blocks = [section(text), context(counts(idea)),
              {"type": "actions", "block_id": f"reminder_{idea.id}", "elements": [*buttons, remind_button(idea.id)]}]
    return {"text": f"Reminder: idea #{idea.id} is waiting for you", "blocks": blocks}


def escalation_message(reply: Escalation) -> dict:
    idea = reply.idea
    managers = ", ".join(f"<@{m}>" for m in reply.managers[:5]) or "no manager configured"
    what = (f"has had no result since its pilot ended on {reply.pilot_ended:%Y-%m-%d}" if reply.pilot_ended
            else f"has waited {working_days(reply.waiting_days)} for a decision")
    text = f"⚠️ Escalation: {idea_heading(idea)} {what}. Its managers: {managers}."
    return {"text": f"Escalation: idea #{idea.id}", "blocks": [section(text), context(f"`/hero show {idea.id}`")]}


def pilot_check_in_message(reply: PilotCheckIn) -> dict:
    idea = reply.idea
    baseline = f"from {reply.baseline:g} " if reply.baseline is not None else ""
    who = "your idea" if reply.for_author else "the pilot of"
    text = (f"🧪 {who} {idea_heading(idea)} ends today ({reply.ends_on:%Y-%m-%d}). How did it go?\n"
            f"*Hypothesis:* {escape(reply.hypothesis)}\n*Metric:* {escape(reply.metric)}, "
            f"{baseline}to a target of {reply.target:g}")
    if reply.for_author and idea.anonymous:  # never in public: the answer goes through the private form
        blocks = [section(text + "\nTell your manager what you saw with the button: your answer is posted in "
                                 "the idea's thread without your name; they record the result."),
                  {"type": "actions", "block_id": f"answer_{idea.id}", "elements": [answer_button(idea.id)]}]
        return {"text": f"The pilot of your idea #{idea.id} ends today", "blocks": blocks}
    if reply.for_author:  # only a manager or the IT champion records the result: the author tells them
        blocks = [section(text + "\nTell your manager what you saw by replying in the idea's thread; "
                                 "they record the result.")]
        return {"text": f"The pilot of your idea #{idea.id} ends today", "blocks": blocks}
    blocks = [section(text),
              {"type": "actions", "block_id": f"pilot_{idea.id}", "elements": [record_button(idea.id)]}]
    return {"text": f"Pilot #{idea.id} ends today: record its result", "blocks": blocks}
