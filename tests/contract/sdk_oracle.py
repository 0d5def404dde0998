"""Pylon's official SDK (`usepylon`, pinned in the test extras) as a second contract oracle.

The OpenAPI document next to this file is a snapshot; the SDK is generated from Pylon's current
API definition and its pydantic models mark required fields. Nothing here is written by hand per
endpoint: the operation table is read from the SDK's own sources (every `raw_client.py`, by
AST), so a sandbox route the SDK knows is checked as soon as it exists, whoever adds it.

For each SDK operation we learn:
* method and path template (``issues/{encode_path_param(id)}`` -> ``/issues/{id}``);
* the response model of a 2xx answer (parsed with the SDK's own ``parse_obj_as``), and that
  every error status is parsed as ``ErrorApiResponseBody``;
* the request: JSON body keys (wire name -> the method's parameter and its type annotation) and
  query parameters, with which ones are required (no default in the signature).

A request body is "accepted" when every key is one the SDK sends for that operation, each value
validates against the parameter's type (pydantic models are walked so nested undeclared keys are
reported too: Pylon silently ignores unknown fields), and every required parameter is present.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pydantic
import usepylon
from usepylon.core.pydantic_utilities import parse_obj_as
from usepylon.types.error_api_response_body import ErrorApiResponseBody

SDK_VERSION = "0.1.0a4"
SDK_ROOT = Path(usepylon.__file__).parent


@dataclass(frozen=True)
class Param:
    name: str  # the Python parameter
    annotation: Any
    required: bool


@dataclass(frozen=True)
class SdkOperation:
    client_path: str  # how a caller reaches it: "issues.messages.list"
    method: str  # upper case
    template: str  # "/issues/{id}/messages"
    response_type: Any  # the model a 2xx answer must parse as (None: no JSON body)
    body: dict[str, Param]  # wire key -> parameter
    query: dict[str, Param]
    rate_limit: int | None = None  # "**Rate limit:** N requests per minute" in its docstring

    @property
    def name(self) -> str:
        return f"{self.client_path} ({self.method} {self.template})"


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "/" + node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif isinstance(value, ast.FormattedValue):
            inner = value.value
            if isinstance(inner, ast.Call) and inner.args:
                inner = inner.args[0]
            parts.append("{" + (inner.id if isinstance(inner, ast.Name) else "?") + "}")
    return "/" + "".join(parts)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _wire_map(node: ast.expr | None) -> dict[str, str]:
    """{"wire_key": param_name} from the `json=`/`params=` dict literal of a request call."""
    if not isinstance(node, ast.Dict):
        return {}
    out: dict[str, str] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        if isinstance(value, ast.Call):  # convert_and_respect_annotation_metadata(object_=x)
            value = _keyword(value, "object_") or (value.args[0] if value.args else value)
        if isinstance(value, ast.Name):
            out[key.value] = value.id
    return out


def _success_type(fn: ast.FunctionDef) -> str | None:
    """The `type_=` of the first parse_obj_as under `if 200 <= status < 300`."""
    for node in ast.walk(fn):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
            continue
        left = node.test.left
        if not (isinstance(left, ast.Constant) and left.value == 200):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "parse_obj_as":
                kind = _keyword(inner, "type_")
                if isinstance(kind, ast.Name):
                    return kind.id
        return None
    return None


def _client_path(raw_client: Path) -> str:
    return ".".join(raw_client.relative_to(SDK_ROOT).parent.parts)


def _module_name(raw_client: Path) -> str:
    rel = raw_client.relative_to(SDK_ROOT.parent).with_suffix("")
    return ".".join(rel.parts)


def _params(fn: Any) -> dict[str, Param]:
    hints = typing.get_type_hints(fn)
    out = {}
    for name, param in inspect.signature(fn).parameters.items():
        if name in ("self", "request_options"):
            continue
        required = param.default is inspect.Parameter.empty
        out[name] = Param(name, hints.get(name, Any), required)
    return out


def _operations_in(raw_client: Path) -> Iterable[SdkOperation]:
    tree = ast.parse(raw_client.read_text())
    module = importlib.import_module(_module_name(raw_client))
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name.startswith("Raw")):
            continue
        live = getattr(module, cls.name)
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
                continue
            call = next(
                (
                    n
                    for n in ast.walk(fn)
                    if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "request"
                ),
                None,
            )
            if call is None or not call.args:
                continue
            template = _template(call.args[0])
            method = _keyword(call, "method")
            if template is None or not isinstance(method, ast.Constant):
                continue
            params = _params(getattr(live, fn.name))
            response = _success_type(fn)
            limit = re.search(
                r"Rate limit:\*\* (\d+) requests per minute", ast.get_docstring(fn) or ""
            )
            yield SdkOperation(
                client_path=f"{_client_path(raw_client)}.{fn.name}",
                method=str(method.value).upper(),
                template=template,
                response_type=getattr(module, response) if response else None,
                body={w: params[p] for w, p in _wire_map(_keyword(call, "json")).items()},
                query={w: params[p] for w, p in _wire_map(_keyword(call, "params")).items()},
                rate_limit=int(limit.group(1)) if limit else None,
            )


@functools.cache
def operations() -> tuple[SdkOperation, ...]:
    """Every operation of the sync SDK client (the async one mirrors it)."""
    found: list[SdkOperation] = []
    for raw_client in sorted(SDK_ROOT.rglob("raw_client.py")):
        found.extend(_operations_in(raw_client))
    return tuple(found)


def _segments(path: str) -> list[str]:
    return path.split("?", 1)[0].strip("/").split("/")


def _score(template: str, segments: list[str]) -> int | None:
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


def find(method: str, raw_path: str) -> SdkOperation | None:
    """The SDK operation for a concrete path; literal segments beat `{params}`."""
    segments = _segments(raw_path)
    best: tuple[int, SdkOperation] | None = None
    for op in operations():
        if op.method != method.upper():
            continue
        score = _score(op.template, segments)
        if score is not None and (best is None or score > best[0]):
            best = (score, op)
    return best[1] if best else None


# --------------------------------------------------------------------------- responses


def _first_lines(error: Exception, limit: int = 8) -> str:
    lines = str(error).splitlines()
    more = f" ... ({len(lines) - limit} more lines)" if len(lines) > limit else ""
    return " | ".join(lines[:limit]) + more


def response_errors(op: SdkOperation, status: int, body: Any) -> list[str]:
    """Why the SDK would fail to parse this answer (empty when it parses)."""
    kind = op.response_type if status < 300 else ErrorApiResponseBody
    if kind is None:
        return []
    try:
        parse_obj_as(kind, body)
    except pydantic.ValidationError as exc:
        return [f"{getattr(kind, '__name__', kind)}: {_first_lines(exc)}"]
    return []


# --------------------------------------------------------------------------- requests


def _undeclared(annotation: Any, value: Any, where: str) -> list[str]:
    """Keys the SDK's models do not declare, at any depth (the models allow extras)."""
    for kind in _model_types(annotation):
        if isinstance(value, dict):
            fields = {f.alias or n: f for n, f in kind.model_fields.items()}
            out = [f"{where}.{k}: not a field of {kind.__name__}" for k in value if k not in fields]
            for key, item in value.items():
                if key in fields:
                    out += _undeclared(fields[key].annotation, item, f"{where}.{key}")
            return out
    if isinstance(value, list):
        item_types = [a for t in _flatten(annotation) for a in typing.get_args(t)]
        return [
            problem
            for i, item in enumerate(value)
            for kind in item_types[:1]
            for problem in _undeclared(kind, item, f"{where}[{i}]")
        ]
    return []


def _flatten(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return [t for arg in typing.get_args(annotation) for t in _flatten(arg)]
    return [annotation]


def _model_types(annotation: Any) -> list[type[pydantic.BaseModel]]:
    return [
        t for t in _flatten(annotation) if inspect.isclass(t) and issubclass(t, pydantic.BaseModel)
    ]


def _value_errors(param: Param, value: Any, where: str) -> list[str]:
    try:
        pydantic.TypeAdapter(param.annotation).validate_python(value)
    except pydantic.ValidationError as exc:
        return [f"{where}: {_first_lines(exc, 4)}"]
    return _undeclared(param.annotation, value, where)


def request_body_errors(op: SdkOperation, body: Any) -> list[str]:
    """Why the SDK's request types for `op` would not accept this JSON body."""
    if body is None:
        missing = [k for k, p in op.body.items() if p.required]
        return [f"body: {k} is required" for k in missing]
    if not isinstance(body, dict):
        return ["body: not an object"]
    problems = [f"body.{k}: the SDK sends no such field" for k in body if k not in op.body]
    problems += [f"body.{k}: required" for k, p in op.body.items() if p.required and k not in body]
    for key, value in body.items():
        if key in op.body:
            problems += _value_errors(op.body[key], value, f"body.{key}")
    return problems


def query_errors(op: SdkOperation, pairs: Iterable[tuple[str, str]]) -> list[str]:
    given = dict(pairs)
    problems = [f"query {k}: the SDK sends no such parameter" for k in given if k not in op.query]
    problems += [
        f"query {k}: required" for k, p in op.query.items() if p.required and k not in given
    ]
    for key, raw in given.items():
        if key in op.query:
            problems += _value_errors(op.query[key], raw, f"query {key}")
    return problems
