"""Validate the project's manifests, and every Adaptive Card the tests rendered, against the official
schemas in a folder (../shared/schemas in CI)."""

import json
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
CARDS = ROOT / ".ci" / "cards"  # written by the tests (tests/teams_cards.py)
MAX_CARD_BYTES = 80_000


def errors_of(schema_file: Path, document, validator=jsonschema.Draft7Validator) -> list[str]:
    schema = json.loads(schema_file.read_text())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator(schema).iter_errors(document)]


def report(name: str, failures: list[str], what: str) -> int:
    for failure in failures:
        print(f"{name}: {failure}")
    print(f"{name}: {'valid' if not failures else 'INVALID'} against {what}")
    return 1 if failures else 0


def main(schemas: Path) -> int:
    status = report("manifest.yml", errors_of(schemas / "slack-app-manifest.schema.1.0.0.json",
                                             yaml.safe_load((ROOT / "manifest.yml").read_text())),
                    "the Slack app manifest schema v1")
    # the Teams schema's own meta-schema reference does not resolve offline: validate without check_schema
    status |= report("teams/manifest.json", errors_of(schemas / "teams-app-manifest.schema.1.30.json",
                                                      json.loads((ROOT / "teams" / "manifest.json").read_text())),
                     "the Teams app manifest schema v1.30")
    cards = sorted(CARDS.glob("*.json")) if CARDS.is_dir() else []
    card_schema = json.loads((schemas / "adaptive-card.schema.1.5.0.json").read_text())
    validator = jsonschema.Draft6Validator(card_schema)
    failures = []
    for path in cards:
        text = path.read_text()
        document = json.loads(text)
        failures += [f"{path.name} {'/'.join(map(str, e.path))}: {e.message[:300]}" for e in validator.iter_errors(document)]
        if len(json.dumps(document, ensure_ascii=False).encode()) > MAX_CARD_BYTES:
            failures.append(f"{path.name}: larger than {MAX_CARD_BYTES} bytes")
    if not cards:
        failures.append(f"no cards in {CARDS}: run the tests first")
    status |= report(f"{len(cards)} Adaptive Cards", failures, "the Adaptive Card schema 1.5")
    return status


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
