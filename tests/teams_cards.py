"""Every Adaptive Card the tests see: its shape is checked here (without the official schema, which
the project's tests must not depend on) and it is written out for CI to validate against the schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

CARDS_DIR = Path(os.environ.get("HEROBOT_CARDS_DIR", Path(__file__).parent.parent / ".ci" / "cards"))
MAX_BYTES = 80_000


def shape_errors(card: dict) -> list[str]:
    errors = []
    if card.get("type") != "AdaptiveCard" or card.get("version") != "1.5":
        errors.append("not an Adaptive Card 1.5")
    if len(json.dumps(card, ensure_ascii=False).encode()) > MAX_BYTES:
        errors.append("larger than a Teams message")

    def walk(node):
        if isinstance(node, dict):
            kind = node.get("type", "")
            if kind == "Action.Execute" and not (node.get("title") and node.get("verb")):
                errors.append(f"Action.Execute without title or verb: {node}")
            if kind == "Action.Submit":
                errors.append("Action.Submit: buttons must be Action.Execute")
            if kind.startswith("Input.") and not (node.get("id") and node.get("label")):
                errors.append(f"input without id or label: {node}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return errors


class CardLog:
    def __init__(self, name: str):
        self.name = name
        self.cards: list[dict] = []

    def add(self, card: dict) -> None:
        self.cards.append(card)

    def check_and_save(self) -> list[str]:
        CARDS_DIR.mkdir(parents=True, exist_ok=True)
        problems = []
        for number, card in enumerate(self.cards, 1):
            problems += [f"card {number}: {e}" for e in shape_errors(card)]
            (CARDS_DIR / f"{self.name}-{number:03d}.json").write_text(json.dumps(card, ensure_ascii=False, indent=1))
        return problems
