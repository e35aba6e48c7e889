"""The fields of decision forms, checked by the core: what is wrong, by field name.

Adapters hand over the submitted values as {field: value} (text, or a list of chosen values
for checkboxes); a non-empty result goes back to the person next to the fields.
"""

from __future__ import annotations

import math
from datetime import date

from bot.model import RISKS, Experiment

MAX_NOTE = 3000
FIRST_FIELD = {"approve": "risk", "pilot": "hypothesis", "decline": "reason", "needs_info": "question",
               "outcome": "outcome"}  # where a form-wide problem (a failed save) is shown


class FormInvalid(Exception):
    """Fields that need fixing, by field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def text(values: dict, name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def number(raw: str) -> float | None:
    try:
        value = float(raw.replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _long(values: dict, name: str, errors: dict, missing: str | None) -> str:
    value = text(values, name)
    if missing and not value:
        errors[name] = missing
    elif len(value) > MAX_NOTE:
        errors[name] = f"Keep it under {MAX_NOTE:,} characters."
    return value


def _risk(values: dict, errors: dict) -> str:
    risk = text(values, "risk")
    if risk not in RISKS:
        errors["risk"] = "Pick a risk level: low, medium or high."
    return risk


def approval(values: dict) -> tuple[str, str, str | None]:
    """(risk, mitigation, champion or None). Medium and high risks need a mitigation."""
    errors: dict[str, str] = {}
    risk = _risk(values, errors)
    mitigation = _long(values, "mitigation", errors, None)
    if risk in ("medium", "high") and not mitigation:
        errors["mitigation"] = f"A {risk} risk needs a mitigation: how will you keep it safe?"
    champion = None
    if "tech" in (values.get("tech_support") or []):
        champion = text(values, "champion") or None
        if champion is None:
            errors["champion"] = "Pick the IT champion who will support it."
    if errors:
        raise FormInvalid(errors)
    return risk, mitigation, champion


def pilot(values: dict, today: date) -> tuple[Experiment, str, str]:
    """(experiment, risk, mitigation)."""
    errors: dict[str, str] = {}
    hypothesis = _long(values, "hypothesis", errors, "What do you expect to happen?")
    metric = _long(values, "metric", errors, "How will you measure it?")
    baseline = None
    if text(values, "baseline"):
        baseline = number(text(values, "baseline"))
        if baseline is None:
            errors["baseline"] = "Enter a number, e.g. 42 or 3.5 (or leave it empty)."
    target = number(text(values, "target")) if text(values, "target") else None
    if target is None:
        errors["target"] = "Enter the target as a number, e.g. 42 or 3.5."
    ends_on = text(values, "ends_on")
    try:
        end = date.fromisoformat(ends_on)
        if end < today:
            errors["ends_on"] = "The end date is in the past; pick today or a later day."
    except ValueError:
        errors["ends_on"] = "Pick the day the pilot ends."
    risk = _risk(values, errors)
    mitigation = _long(values, "mitigation", errors, None)
    if errors:
        raise FormInvalid(errors)
    return Experiment(hypothesis, metric, target, ends_on, baseline), risk, mitigation


def reason(values: dict, name: str, missing: str) -> str:
    errors: dict[str, str] = {}
    value = _long(values, name, errors, missing)
    if errors:
        raise FormInvalid(errors)
    return value


VERDICTS = ("implemented", "declined")


def outcome(values: dict, piloting: bool) -> tuple[str, float | None, str]:
    """(what changed or was learned, measured result for a pilot, verdict)."""
    errors: dict[str, str] = {}
    verdict = text(values, "verdict") if piloting else "implemented"
    if verdict not in VERDICTS:
        errors["verdict"] = "Choose: roll it out (implemented) or close it as declined."
    missing = "What did we learn from the pilot?" if verdict == "declined" else "What changed for customers?"
    story = _long(values, "outcome", errors, missing)
    result = None
    if piloting:
        result = number(text(values, "result")) if text(values, "result") else None
        if result is None:
            errors["result"] = "Enter the measured result as a number, e.g. 42 or 3.5."
    if errors:
        raise FormInvalid(errors)
    return story, result, verdict
