"""The terminal adapter: `herobot shell`, a chat with the same core, as a local user.

Lines are the same commands as in Slack (`/idea …`, `/hero …`); a shell has no buttons,
reactions or threads, so `/vote N` stands for the Vote button and `/comment N text` for
a thread reply.
"""

from __future__ import annotations

import asyncio
import difflib
import itertools
from collections.abc import Callable
from typing import TextIO

from bot import clicks, hero
from bot.replies import (
    ChallengeCard, ChallengeForm, DecisionForm, FieldErrors, IdeaCard, IdeaForm, Notice, ProblemCard, Reply,
)
from handlers import shell_box
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.decisions import submit
from bot.commands import idea_command, problem_command
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.interactions import FormToFill, Request
from bot.submissions import submit_idea_form
from bot.ideas import comment_on_idea
from bot.model import Actor, Draft, Origin, ProblemDraft
from bot.words import plural
from bot.problems import problem_errors
from bot.scheduler import run_due
from handlers import shell_challenges
from handlers.shell_render import FORM_TITLES, as_text, problem_summary, summary

SHELL_COMMANDS = ("/idea", "/hero", "/problem", "/metoo", "/anyway", "/vote", "/comment", "/as", "/help", "/quit")
PLATFORM = "shell"
CHANNEL = "shell"
SHELL_HELP = """Commands: /idea <text> · /idea anon <text> · /idea (asks for each field) · /hero help|top|mine|home|show N|whoami
          /vote N (toggle your vote) · /comment N <text> · /as NAME (act as someone else: NAME is the id for [roles]) · /quit
          /problem <text> · /metoo N (the Me too button) · /anyway TOKEN (Post mine anyway)
          /idea challenge C1 <text> · /hero challenge (managers) · /hero challenges · /due (send what the scheduler would now)
          managers: /hero approve N [low|medium|high] [mitigation] · /hero pilot N (asks each field)
                    /hero decline N <reason> · /hero ask N <question> · /hero done N <what changed>
""" + shell_box.HELP




class ShellChat:
    platform = PLATFORM

    def __init__(self, out: TextIO):
        self.out = out
        self._ids = itertools.count(1)

    async def post(self, channel_id: str, reply: Reply, thread_id: str | None = None) -> str:
        self.out.write(f"[{channel_id}] {as_text(reply)}\n")
        return f"m{next(self._ids)}-{id(self)}"

    async def update(self, channel_id: str, message_id: str, reply: Reply) -> None:
        if isinstance(reply, IdeaCard):
            self.out.write(f"[{channel_id}] (updated) {summary(reply.idea)}\n")
        elif isinstance(reply, ProblemCard):
            self.out.write(f"[{channel_id}] (updated) {problem_summary(reply.problem)}\n")
        elif isinstance(reply, ChallengeCard):
            self.out.write(f"[{channel_id}] (updated) {as_text(reply).splitlines()[0]}\n")

    async def send_direct(self, user_id: str, reply: Reply) -> tuple[str, str]:
        self.out.write(f"(direct to {user_id}) {as_text(reply)}\n")
        return f"dm-{user_id}", f"m{next(self._ids)}-{id(self)}"

    async def tell(self, origin: Origin, reply: Reply) -> None:
        self.out.write(f"(only you) {as_text(reply)}\n")

    async def link(self, channel_id: str, message_id: str) -> str | None:
        return None

    def reaches(self, user_id: str) -> bool:
        return True


class Shell:
    def __init__(self, core: Core, user: str, out: TextIO, ask: Callable[[str], str]):
        self.core = core
        self.user = user
        self.out = out
        self.ask = ask
        self.chat = ShellChat(out)
        core.connect(self.chat, per_message=0)

    @property
    def origin(self) -> Origin:
        return Origin(PLATFORM, self.user, CHANNEL)

    @property
    def request(self) -> Request:
        return Request(self.origin, private=True)  # the person's own terminal

    async def handle(self, line: str) -> bool:
        """Run one line; False when the user wants to leave."""
        command, _, rest = line.strip().partition(" ")
        command = command.lower()  # `/Hero top` is `/hero top`
        if command in ("/quit", "/exit"):
            return False
        try:
            reply = await self._dispatch(command, rest.strip())
            if isinstance(reply, DecisionForm):
                reply = await self._fill(reply)
        except FormInvalid as invalid:
            reply = Notice(" ".join(invalid.errors.values()) + " Nothing changed.")
        except Refused as refusal:
            reply = Notice(str(refusal))
        except SaveFailed:
            reply = Notice(SAVE_FAILED)
        if reply is not None:
            await self.chat.tell(self.origin, reply)
        await self.core.background.drain()
        return True

    async def _dispatch(self, command: str, rest: str) -> Reply | None:
        actor = Actor(PLATFORM, self.user)
        if command == "/idea":
            reply = await idea_command(self.core, self.request, rest)
            if isinstance(reply, FormToFill):  # the shell's form: each field asked in turn
                return await submit_idea_form(self.core, self.request, self._ask_form(reply.form, reply.anonymous))
            return reply
        if command == "/hero":
            reply = await hero.run(self.core, self.origin, rest)
            if isinstance(reply, ChallengeForm):
                return await shell_challenges.fill_in(self.core, self.origin, reply, self.ask, self.out)
            return await shell_box.fill(self, reply)
        if command == "/due":
            sent = await run_due(self.core)
            return Notice(f"Sent what was due: {plural(len(sent), 'message')}.")
        if command in shell_box.COMMANDS:
            return await shell_box.run(self, command, rest)
        if command == "/problem":
            reply = await problem_command(self.core, self.request, rest)
            if isinstance(reply, FormToFill):  # the shell has no problem form: say what to type
                return FieldErrors(problem_errors(ProblemDraft()))
            return reply
        if command == "/metoo":  # the shell's buttons: the same clicks, their note shown
            return (await clicks.count_me_too(self.core, self.request, hero.parse_idea_number(rest))).note
        if command == "/anyway":
            return (await clicks.post_mine_anyway(self.core, self.request, rest)).view
        if command == "/vote":
            return (await clicks.vote(self.core, self.request, hero.parse_idea_number(rest))).note
        if command == "/comment":
            number, _, text = rest.partition(" ")
            message_id = f"shell-{self.core.now().timestamp()}"
            return await comment_on_idea(self.core, actor, hero.parse_idea_number(number), text, message_id)
        if command == "/as" and rest:
            self.user = rest.split()[0]
            return Notice(f"You are now {self.user}.")
        if command in ("/help", "/as"):
            return Notice(SHELL_HELP)
        close = difflib.get_close_matches(command, SHELL_COMMANDS, n=1, cutoff=0.6)
        guess = f" Did you mean `{' '.join([close[0], rest]).strip()[:80]}`?" if close else ""
        return Notice(f"Unknown command `{command[:30]}`.{guess} `/help` lists all.")

    async def _fill(self, form: DecisionForm) -> Reply:
        """A decision form, asked field by field (the shell's modal), then submitted like the buttons' forms."""
        self.out.write(f"The {FORM_TITLES[form.kind]} form for #{form.idea.id} {form.idea.display_title}:\n")
        values: dict = {}
        for name, question in decision_questions(form):
            values[name] = self.ask(question).strip()
        if values.get("champion"):
            values["tech_support"] = ["tech"]
        if form.verdict:
            values["verdict"] = form.verdict
        return await submit(self.core, Actor(PLATFORM, self.user), form.kind, form.idea.id, values)

    def _ask_form(self, form: IdeaForm, anonymous: bool) -> Draft:
        problem = self.ask("The customer problem: ")
        root_cause = self.ask("Root cause (optional): ")
        solution = self.ask("Proposed solution (first line is the title): ")
        impact = self.ask("Expected customer impact: ")
        goal = None
        if form.goals:
            for number, name in enumerate(form.goals, 1):
                self.out.write(f"  {number}. {name}\n")
            choice = self.ask("Mission goal number (optional): ").strip()
            goal = form.goals[int(choice) - 1] if choice.isdigit() and 0 < int(choice) <= len(form.goals) else None
        if not anonymous:
            anonymous = self.ask("Post anonymously? [y/N] ").strip().lower().startswith("y")
        return Draft(problem=problem, root_cause=root_cause, solution=solution, impact=impact,
                     mission_goal=goal, anonymous=anonymous)


async def run_shell(core: Core, user: str, read_line: Callable[[str], str], out: TextIO) -> None:
    shell = Shell(core, user, out, read_line)
    out.write(f"herobot shell — you are {user}. {SHELL_HELP}\n")
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, read_line, f"{shell.user}> ")
        except EOFError:
            break
        if line.strip() and not await shell.handle(line):
            break


def decision_questions(form: DecisionForm) -> list[tuple[str, str]]:
    """(field, question) of a decision form, in the order its modal shows them."""
    risk = ("risk", "Risk (low, medium or high): ")
    mitigation = ("mitigation", "Mitigation (needed for medium and high risk): ")
    if form.kind == "approve":
        return [risk, mitigation, ("champion", f"IT champion id (optional{', e.g. ' + form.champion if form.champion else ''}): ")]
    if form.kind == "pilot":
        return [("hypothesis", "Hypothesis (what do you expect?): "), ("metric", "Metric (how will you measure it?): "),
                ("baseline", "Baseline (optional number): "), ("target", "Target (a number): "),
                ("ends_on", "Ends on (YYYY-MM-DD): "), risk, mitigation]
    if form.kind == "decline":
        return [("reason", "Reason (the author sees it): ")]
    if form.kind == "needs_info":
        return [("question", "Your question for the author: ")]
    if form.experiment:  # a pilot's result
        verdict = form.verdict or ""
        return ([] if verdict else [("verdict", "Roll it out or close it? (implemented/declined): ")]) + [
            ("result", f"Measured {form.experiment.metric} (target {form.experiment.target:g}): "),
            ("outcome", "What changed, or what we learned: ")]
    return [("outcome", "What changed for customers: ")]
