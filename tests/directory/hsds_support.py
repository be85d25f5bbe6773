"""Helpers for the HSDS tests: the official schema as a validator, and running commands."""

import functools
import json
from datetime import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

SERVICE_SCHEMA = Path("hsds") / "hsds-3.0" / "schema" / "compiled" / "service.json"


@functools.cache
def _validator(schema_path: str):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test dependency")
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    # The compiled schema names no $schema; HSDS 3.0's OpenAPI files use Draft 2020-12.
    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator
    )
    validator_class.check_schema(schema)
    # jsonschema checks uuid, email and date itself; "uri" and "date-time" need optional
    # packages, so they get small checks of our own rather than being silently skipped.
    checker = jsonschema.FormatChecker(["uuid", "email", "date"])

    @checker.checks("uri")
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc)

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value):
        if isinstance(value, str):
            datetime.fromisoformat(value)
        return True

    return validator_class(schema, format_checker=checker)


def service_schema_validator(shared_data: Path):
    """A validator for HSDS 3.0 `compiled/service.json` (skips when it is absent)."""
    path = shared_data / SERVICE_SCHEMA
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return _validator(str(path))


def schema_errors(validator, record: dict) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message[:200]}"
        for error in validator.iter_errors(record)
    ]


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def export_records(tmp_path: Path, name: str = "export.json") -> list[dict]:
    path = tmp_path / name
    call_command("export_hsds", "--out", str(path), stderr=StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(tmp_path: Path, data, name: str = "services.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
