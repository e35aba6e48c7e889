"""Validate the project's manifests against the official schemas in a folder (../shared/schemas in CI)."""

import json
import sys
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent


def errors_of(schema_file: Path, document, validator=jsonschema.Draft7Validator) -> list[str]:
    schema = json.loads(schema_file.read_text())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator(schema).iter_errors(document)]


def main(schemas: Path) -> int:
    failures = errors_of(schemas / "slack-app-manifest.schema.1.0.0.json", yaml.safe_load((ROOT / "manifest.yml").read_text()))
    for failure in failures:
        print(f"manifest.yml: {failure}")
    print(f"manifest.yml: {'valid' if not failures else 'INVALID'} against the Slack app manifest schema v1")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
