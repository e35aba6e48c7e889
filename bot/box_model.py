"""The empowerment box's domain: actions staff may take on their own (`B1`, …) and their uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

OUTCOMES = {"worked": "It worked", "did_not_work": "It did not work", "too_early": "Too early to say"}
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
_PER_CUSTOMER = re.compile(r"\bper\s+customer\s+(?:per|a|each)\s+(day|week|month|quarter|year)\b", re.IGNORECASE)


@dataclass(frozen=True)
class BoxDraft:
    """What a manager fills in: the action, for which customers, an optional limit, steps, expected outcome."""

    action: str = ""
    customers: str = ""
    limit: str = ""  # as typed: a number then its unit, e.g. "25 GBP"; checked by bot.box_actions.draft_errors
    steps: str = ""
    expected_outcome: str = ""


@dataclass(frozen=True)
class BoxAction:
    id: int
    platform: str
    action: str
    customers: str
    limit: float | None
    unit: str
    steps: str
    expected_outcome: str
    owner: str
    status: str
    created_at: datetime
    idea_id: int | None = None

    @property
    def ref(self) -> str:
        return f"B{self.id}"

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def per_customer_period(self) -> str | None:
        """`month` for a unit like "per customer per month": the limit counts uses per customer in that period."""
        found = _PER_CUSTOMER.search(self.unit or "")
        return found.group(1).lower() if found else None

    @property
    def needs_amount(self) -> bool:
        """An amount is asked for when the limit is on an amount (25 GBP), not on a count per customer."""
        return self.limit is not None and self.per_customer_period is None

    def draft(self) -> BoxDraft:
        return BoxDraft(self.action, self.customers, limit_text(self) if self.limit is not None else "", self.steps,
                        self.expected_outcome)


@dataclass(frozen=True)
class BoxUse:
    id: int
    action_id: int
    platform: str
    user_id: str
    amount: float | None
    note: str
    story: bool
    state: str
    outcome: str | None
    created_at: datetime
    counted_at: datetime | None

    @property
    def exception(self) -> str | None:
        return self.state if self.state in ("allowed", "declined") else None


@dataclass(frozen=True)
class ActionStats:
    uses: int  # counted uses in the period
    worked: int
    answered: int  # uses with an outcome other than too early

    @property
    def rate_text(self) -> str:
        if not self.answered:
            return "no outcome yet"
        return f"{round(100 * self.worked / self.answered)}% worked ({self.worked} of {self.answered})"


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def limit_text(action: BoxAction) -> str:
    if action.limit is None:
        return "no limit"
    return f"{number_text(action.limit)} {action.unit}".strip()
