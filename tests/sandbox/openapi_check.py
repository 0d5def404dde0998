"""Validate Pylon request/response bodies against the OpenAPI 3.0 document.

OpenAPI 3.0 schema objects are close enough to JSON Schema draft 4 (x- keys are ignored by
the validator). By default validation is *strict*: every object schema that lists properties
gets additionalProperties: false, so a field name the spec does not declare fails the check.
Statuses the spec does not list for an operation (401, 429) are checked against the generic
ErrorApiResponseBody, which is what Pylon sends for every error.

Reusable by contract tests: `validate_response(method, path, status, body)`,
`validate_request(method, path, body)`, `schema_errors(name, instance)`.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema

_ROOT = Path(__file__).resolve().parents[2]
SPEC_CANDIDATES = [
    os.environ.get("PYLON_OPENAPI", ""),
    str(_ROOT / "tests" / "contract" / "pylon-openapi.json"),
    str(_ROOT / "tests" / "contract" / "spec" / "pylon-openapi.json"),
    "/work/shared/spec/pylon-openapi.json",
]
LINEAR_CANDIDATES = [
    os.environ.get("LINEAR_SCHEMA", ""),
    str(_ROOT / "tests" / "contract" / "linear-schema.graphql"),
    str(_ROOT / "tests" / "contract" / "spec" / "linear-schema.graphql"),
    "/work/shared/spec/linear-schema.graphql",
]


def _first_existing(candidates: list[str]) -> Path | None:
    for cand in candidates:
        if cand and Path(cand).is_file():
            return Path(cand)
    return None


def spec_path() -> Path | None:
    return _first_existing(SPEC_CANDIDATES)


def linear_schema_path() -> Path | None:
    return _first_existing(LINEAR_CANDIDATES)


@functools.cache
def spec() -> dict[str, Any]:
    path = spec_path()
    if path is None:
        raise FileNotFoundError("pylon-openapi.json not found (set PYLON_OPENAPI)")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items() if not k.startswith("x-")}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@functools.cache
def _components(strict: bool) -> dict[str, Any]:
    comps = copy.deepcopy(spec()["components"])
    return _strict(comps) if strict else comps  # type: ignore[no-any-return]


def _validator(schema: dict[str, Any], strict: bool) -> jsonschema.Draft4Validator:
    root = {"allOf": [schema], "components": _components(strict)}
    return jsonschema.Draft4Validator(root)


def schema_errors(
    name_or_schema: str | dict[str, Any], instance: Any, *, strict: bool = True
) -> list[str]:
    """All validation messages for `instance` against a component name or a schema object."""
    if isinstance(name_or_schema, str):
        schema: dict[str, Any] = {"$ref": f"#/components/schemas/{name_or_schema}"}
    else:
        schema = name_or_schema
    errors = sorted(_validator(schema, strict).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """Map a concrete path (/issues/123/reply) to its spec template and operation object."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    best: tuple[int, str, dict[str, Any]] | None = None
    for template, item in spec()["paths"].items():
        op = item.get(method.lower())
        if op is None:
            continue
        pattern = (
            "^"
            + re.sub(
                r"\{[^/]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
            )
            + "$"
        )
        if re.match(pattern, path):
            params = template.count("{")
            if best is None or params < best[0]:
                best = (params, template, op)
    if best is None:
        raise KeyError(f"no operation for {method} {path} in the OpenAPI document")
    return best[1], best[2]


def _json_schema(container: dict[str, Any]) -> dict[str, Any] | None:
    content = container.get("content", {}).get("application/json")
    if content is None:
        return None
    return content.get("schema")  # type: ignore[no-any-return]


def validate_response(
    method: str, path: str, status: int, body: Any, *, strict: bool = True
) -> None:
    """Raise AssertionError listing every mismatch between `body` and the documented response."""
    template, op = find_operation(method, path)
    response = op.get("responses", {}).get(str(status))
    if response is None:
        if status < 400:
            raise AssertionError(f"{method} {template}: status {status} is not documented")
        schema: dict[str, Any] | None = {"$ref": "#/components/schemas/ErrorApiResponseBody"}
    else:
        if "$ref" in response:
            response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        schema = _json_schema(response)
    if schema is None:
        return
    problems = schema_errors(schema, body, strict=strict)
    errors = body.get("errors") if isinstance(body, dict) else None
    if status >= 400 and not problems and (not isinstance(errors, list) or not errors):
        problems.append("errors: must be a non-empty list")
    if not problems and isinstance(body, dict) and "request_id" not in body:
        problems.append("request_id: missing")
    if problems:
        raise AssertionError(f"{method} {template} -> {status}:\n  " + "\n  ".join(problems))


def validate_request(method: str, path: str, body: Any, *, strict: bool = True) -> None:
    template, op = find_operation(method, path)
    request = op.get("requestBody")
    if request is None:
        raise AssertionError(f"{method} {template} takes no request body")
    schema = _json_schema(request)
    if schema is None:
        return
    problems = schema_errors(schema, body, strict=strict)
    if problems:
        raise AssertionError(f"request {method} {template}:\n  " + "\n  ".join(problems))
