"""Contract checks against Pylon's OpenAPI 3.0 document (the copy next to this file).

Generalises tests/sandbox/openapi_check.py (same strictness rules; that module keeps serving
tests/sandbox) for the contract suite:

* operations are found by (method, path template), literal segments beating `{params}`;
* query strings are checked: required parameters present, no undeclared ones, values typed;
* request bodies are validated with additionalProperties: false on every object schema that
  lists properties (the document never says so, but a misspelt field must fail here rather
  than be silently ignored by Pylon);
* response bodies are validated strictly too (the sandbox must not invent fields), statuses
  the operation does not list (401, 403, 429, 5xx) against ErrorApiResponseBody, and the
  envelope fields Pylon always sends (`data`, `request_id`, a non-empty `errors`) and the
  few item fields the client cannot work without (CLIENT_REQUIRED) are required.

Pylon's developer docs are newer than the OpenAPI snapshot and win where they differ
(DESIGN.md section 4): NEWER_DOCS lists each addition, applied to the loaded copy, never to the
file. Error bodies carry a stable `code` (required here, so the sandbox cannot drop it), and
GET /issues/{id}/messages takes `cursor` and `limit`.

Pylon's official SDK (`usepylon`, generated from the current API definition) is newer still
(issue 18): where it and the snapshot disagree, the SDK wins. `_apply_sdk` adds to the loaded
copy every field, query parameter and body key the SDK declares and the snapshot lacks, and
drops a request field's `required` the SDK makes optional, so the strict checks here forbid
only what neither knows; tests/contract/sdk_oracle.py then checks the same traffic against the
SDK's own models.

Every check returns a list of messages (empty = valid) so tests can assert both ways.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import jsonschema

from . import sdk_oracle

SPEC_FILE = Path(__file__).with_name("pylon-openapi.json")
ERROR_SCHEMA = "ErrorApiResponseBody"
# Statuses Pylon may answer on any operation, whether or not the operation lists them.
GENERIC_ERROR_STATUSES = frozenset({401, 403, 404, 429, 500, 502, 503})
METHODS = ("get", "put", "post", "patch", "delete")
# Fields the client's parser (pylon_tui/api/wire.py) cannot do without. The document marks
# no response field required, so without this a sandbox dropping `state` would pass.
CLIENT_REQUIRED: dict[str, tuple[str, ...]] = {
    "Issue": ("id", "number", "state", "title", "created_at", "updated_at"),
    "Message": ("id",),
    "User": ("id", "name"),
    "Team": ("id", "name"),
    "Account": ("id", "name"),
    "IssueStatus": ("slug",),
    "CustomFieldDefinition": ("slug",),
    "ExternalIssue": ("source", "external_id"),
}

JSON = dict[str, Any]

NEWER_DOCS: list[tuple[tuple[str, ...], Any]] = [
    (
        # docs.usepylon.com .../developer/api/errors and /authentication: `code` is the stable
        # part of an error (wrong_region_token, payload_too_large, ...); set on a new key.
        ("components", "schemas", "ErrorApiResponseBody", "properties", "code"),
        {"type": "string", "description": "Stable error code (newer docs)."},
    ),
    (
        # Newer docs and production connectors (Airbyte, w6w): the thread pages with
        # cursor/limit like the other lists; appended to the operation's parameters.
        ("paths", "/issues/{id}/messages", "get", "parameters"),
        [
            {"in": "query", "name": "cursor", "schema": {"type": "string"}},
            {"in": "query", "name": "limit",
             "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
        ],
    ),
]  # fmt: skip
ERROR_FIELDS = ("errors", "code", "request_id")
"""What every error body carries (the newer docs add `code` to every error)."""


def _apply_newer_docs(doc: JSON) -> JSON:
    for (*parents, last), value in NEWER_DOCS:
        node = doc
        for key in parents:
            node = node[key]
        node[last] = [*node[last], *value] if isinstance(value, list) else value
    return doc


SDK_ADDED: JSON = {}
"""Any value: the SDK oracle checks the type of what the SDK adds (sdk_oracle)."""


def _sdk_model_fields(name: str) -> dict[str, bool] | None:
    """{field: required} of the SDK model named like a snapshot schema, if there is one."""
    import usepylon.types as sdk_types

    model = getattr(sdk_types, name, None)
    fields = getattr(model, "model_fields", None)
    if not isinstance(fields, dict):
        return None
    return {(f.alias or n): f.is_required() for n, f in fields.items()}


def _apply_sdk(doc: JSON) -> JSON:
    """Merge what the SDK declares into the snapshot (see the module docstring)."""
    for name, schema in doc["components"]["schemas"].items():
        fields = _sdk_model_fields(name)
        if fields is None or "properties" not in schema:
            continue
        for field in fields:
            schema["properties"].setdefault(field, dict(SDK_ADDED))
    for template, item in doc["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            sdk_op = sdk_oracle.find(method, template.replace("{", "x").replace("}", ""))
            if sdk_op is None or _segments_of(sdk_op.template) != _segments_of(template):
                continue
            _merge_operation(doc, item[method], sdk_op)
    return doc


def _segments_of(template: str) -> list[str]:
    return [re.sub(r"\{[^}]*\}", "{}", s) for s in template.strip("/").split("/")]


def _merge_operation(doc: JSON, spec_op: JSON, sdk_op: sdk_oracle.SdkOperation) -> None:
    params = spec_op.setdefault("parameters", [])
    declared = {p["name"] for p in params if p.get("in") == "query"}
    for name in sdk_op.query:
        if name not in declared:
            params.append({"in": "query", "name": name, "schema": dict(SDK_ADDED)})
    body = spec_op.get("requestBody")
    schema = None if body is None else _json_schema(body)
    if schema is None:
        return
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    props = schema.setdefault("properties", {})
    for key in sdk_op.body:
        props.setdefault(key, dict(SDK_ADDED))
    if "required" in schema:
        optional = {k for k, p in sdk_op.body.items() if not p.required}
        schema["required"] = [k for k in schema["required"] if k not in optional]
        if not schema["required"]:
            del schema["required"]


@functools.cache
def document() -> JSON:
    """The OpenAPI document with the newer docs' additions (NEWER_DOCS) and the official
    SDK's (newer still) applied."""
    return _apply_sdk(_apply_newer_docs(json.loads(SPEC_FILE.read_text())))


def strict_copy(node: Any) -> Any:
    """Drop x- extensions; forbid undeclared properties on every object with properties."""
    if isinstance(node, dict):
        out = {k: strict_copy(v) for k, v in node.items() if not k.startswith("x-")}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(node, list):
        return [strict_copy(v) for v in node]
    return node


@functools.cache
def _components(strict: bool) -> JSON:
    comps: JSON = copy.deepcopy(document()["components"])
    if not strict:
        return comps
    comps = strict_copy(comps)
    for name, fields in CLIENT_REQUIRED.items():
        schema = comps["schemas"][name]
        schema["required"] = sorted({*schema.get("required", ()), *fields})
    return comps


@functools.cache
def _validator(schema_json: str, strict: bool) -> jsonschema.Draft4Validator:
    # The schema sits inside a root that also holds `components`, so "#/components/..."
    # references resolve without a remote resolver.
    root = {"allOf": [json.loads(schema_json)], "components": _components(strict)}
    return jsonschema.Draft4Validator(root)


def schema_errors(schema: str | JSON, instance: Any, *, strict: bool = True) -> list[str]:
    """Every mismatch of `instance` against a component name or a schema object."""
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    validator = _validator(json.dumps(schema, sort_keys=True), strict)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])
    return [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]


def resolve(schema: JSON) -> JSON:
    """Follow a top-level $ref into components."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document()["components"]["schemas"][name]
    return schema


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    template: str
    spec: JSON

    @property
    def operation_id(self) -> str:
        return str(self.spec.get("operationId", f"{self.method} {self.template}"))

    def parameters(self, where: str) -> dict[str, JSON]:
        item = document()["paths"][self.template]
        params = [*item.get("parameters", []), *self.spec.get("parameters", [])]
        return {p["name"]: p for p in params if p.get("in") == where}

    @property
    def request_schema(self) -> JSON | None:
        body = self.spec.get("requestBody")
        return None if body is None else _json_schema(body)

    def response_schema(self, status: int) -> tuple[bool, JSON | None]:
        """(documented, schema); undocumented error statuses get ErrorApiResponseBody."""
        response = self.spec.get("responses", {}).get(str(status))
        if response is None:
            if status in GENERIC_ERROR_STATUSES:
                return False, {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
            return False, None
        if "$ref" in response:
            response = document()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return True, _json_schema(response)


def _json_schema(container: JSON) -> JSON | None:
    media = container.get("content", {}).get("application/json")
    return None if media is None else media.get("schema")


def _segments(path: str) -> list[str]:
    return path.split("?", 1)[0].strip("/").split("/")


def _template_score(template: str, segments: list[str]) -> int | None:
    """Literal segments matched, or None when the template does not fit the path."""
    parts = _segments(template)
    if len(parts) != len(segments):
        return None
    score = 0
    for part, seg in zip(parts, segments, strict=True):
        if re.fullmatch(r"\{[^/{}]+\}", part):
            if not unquote(seg):
                return None
        elif part == seg:
            score += 1
        else:
            return None
    return score


def find_operation(method: str, raw_path: str) -> Operation | None:
    """The operation serving a concrete (percent-encoded) path, literal segments first."""
    segments = _segments(raw_path)
    best: tuple[int, str] | None = None
    for template, item in document()["paths"].items():
        if method.lower() not in item:
            continue
        score = _template_score(template, segments)
        if score is not None and (best is None or score > best[0]):
            best = (score, template)
    if best is None:
        return None
    return Operation(method.upper(), best[1], document()["paths"][best[1]][method.lower()])


def operation_by_id(operation_id: str) -> Operation:
    for template, item in document()["paths"].items():
        for method in METHODS:
            if item.get(method, {}).get("operationId") == operation_id:
                return Operation(method.upper(), template, item[method])
    raise KeyError(operation_id)


def path_errors(method: str, raw_path: str) -> list[str]:
    if find_operation(method, raw_path) is not None:
        return []
    segments = _segments(raw_path)
    templates = [t for t in document()["paths"] if _template_score(t, segments) is not None]
    if templates:
        allowed = sorted(m.upper() for m in METHODS if m in document()["paths"][templates[0]])
        return [f"{method} not documented for {templates[0]} (only {', '.join(allowed)})"]
    return [f"path {raw_path} matches no path template in the document"]


# --------------------------------------------------------------------------- requests


def _coerce(value: str, schema: JSON) -> Any:
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if kind == "number" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return float(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def query_errors(op: Operation, pairs: Iterable[tuple[str, str]]) -> list[str]:
    declared = op.parameters("query")
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        given.setdefault(name, []).append(value)
    problems = [
        f"query parameter {name!r} is required"
        for name, param in declared.items()
        if param.get("required") and name not in given
    ]
    for name, values in given.items():
        param = declared.get(name)
        if param is None:
            problems.append(f"query parameter {name!r} is not documented for {op.operation_id}")
            continue
        schema = strict_copy(param.get("schema", {}))
        if len(values) > 1 and schema.get("type") != "array":
            problems.append(f"query parameter {name!r} given {len(values)} times")
        for value in values:
            errors = schema_errors(schema, _coerce(value, schema))
            problems += [f"query {name}: {m}" for m in errors]
    return problems


def request_body_errors(op: Operation, content: bytes) -> list[str]:
    schema = op.request_schema
    if not content:
        body = op.spec.get("requestBody")
        if body is not None and body.get("required"):
            return [f"{op.operation_id} requires a request body"]
        return []
    if op.spec.get("requestBody") is None:
        return [f"{op.operation_id} takes no request body"]
    try:
        body = json.loads(content)
    except ValueError as exc:
        return [f"request body is not JSON: {exc}"]
    if schema is None:
        return []
    return [f"request body {m}" for m in schema_errors(schema, body)]


def request_errors(request: httpx.Request) -> list[str]:
    """Everything wrong with one request the client built, against the document."""
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
    op = find_operation(request.method, raw_path)
    if op is None:
        return path_errors(request.method, raw_path)
    problems = query_errors(op, request.url.params.multi_items())
    problems += request_body_errors(op, request.content)
    if request.content and "application/json" not in request.headers.get("content-type", ""):
        problems.append("request body is not sent as application/json")
    if not request.headers.get("authorization", "").startswith("Bearer "):
        problems.append("Authorization is not `Bearer <token>` (securitySchemes.bearerAuth)")
    return problems


# --------------------------------------------------------------------------- responses


def response_errors(op: Operation, status: int, body: Any) -> list[str]:
    documented, schema = op.response_schema(status)
    if schema is None:
        return [] if documented else [f"{op.operation_id}: status {status} is not documented"]
    problems = schema_errors(schema, body)
    if not isinstance(body, dict):
        return problems or ["response body is not an object"]
    declared = resolve(schema).get("properties", {})
    required = ("data", "request_id", *(ERROR_FIELDS if status >= 400 else ()))
    for field in dict.fromkeys(required):
        if field in declared and field not in body:
            problems.append(f"{field}: missing")
    if status >= 400 and not (isinstance(body.get("errors"), list) and body["errors"]):
        problems.append("errors: must be a non-empty list")
    if status >= 400 and "code" in body and not (isinstance(body["code"], str) and body["code"]):
        problems.append("code: must be a non-empty string")
    return problems


def exchange_errors(request: httpx.Request, response: httpx.Response) -> list[str]:
    """Request and response of one exchange; the response must be JSON."""
    problems = request_errors(request)
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
    op = find_operation(request.method, raw_path)
    if op is None:
        return problems
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"response {response.status_code} is not JSON"]
    return problems + [f"response {m}" for m in response_errors(op, response.status_code, body)]
