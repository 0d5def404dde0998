"""The sandbox tests' view of the OpenAPI checks: a thin adapter over tests/contract/openapi.py,
so there is one validator and one copy of the spec (strict: undeclared fields fail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.contract import openapi

CONTRACT = Path(__file__).resolve().parents[1] / "contract"
schema_errors = openapi.schema_errors


def spec_path() -> Path:
    return openapi.SPEC_FILE


def linear_schema_path() -> Path:
    return CONTRACT / "linear-schema.graphql"


def spec() -> dict[str, Any]:
    return openapi.document()


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """Map a concrete path (/issues/123/reply) to its template and operation object."""
    op = openapi.find_operation(method, path.split("?", 1)[0])
    if op is None:
        raise KeyError(f"no operation for {method} {path} in the OpenAPI document")
    return op.template, op.spec


def validate_response(
    method: str, path: str, status: int, body: Any, *, strict: bool = True
) -> None:
    """Raise AssertionError listing every mismatch between `body` and the documented response."""
    op = openapi.find_operation(method, path.split("?", 1)[0])
    if op is None:
        raise AssertionError(f"no operation for {method} {path}")
    documented, schema = op.response_schema(status)
    if not documented and status < 400:
        raise AssertionError(f"{method} {op.template}: status {status} is not documented")
    problems = [] if schema is None else schema_errors(schema, body, strict=strict)
    errors = body.get("errors") if isinstance(body, dict) else None
    if status >= 400 and not problems and (not isinstance(errors, list) or not errors):
        problems.append("errors: must be a non-empty list")
    if not problems and isinstance(body, dict) and "request_id" not in body:
        problems.append("request_id: missing")
    if not problems and status >= 400 and isinstance(body, dict) and not body.get("code"):
        problems.append("code: missing (newer docs: every error has a stable code)")
    if problems:
        raise AssertionError(f"{method} {op.template} -> {status}:\n  " + "\n  ".join(problems))


def validate_request(method: str, path: str, body: Any, *, strict: bool = True) -> None:
    op = openapi.find_operation(method, path.split("?", 1)[0])
    if op is None or op.request_schema is None:
        raise AssertionError(f"{method} {path} takes no request body")
    problems = schema_errors(op.request_schema, body, strict=strict)
    if problems:
        raise AssertionError(f"request {method} {op.template}:\n  " + "\n  ".join(problems))
