"""A small GraphQL executable-document parser (no graphql-core at runtime).

It understands what a client realistically sends: operations with variables and defaults,
aliases, arguments with every literal kind, nested selections, named fragments, inline
fragments and @include/@skip. Responses are then projected to exactly the requested fields,
so the client sees the same shape Linear would return.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<ws>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<block>\"\"\"(?:\\\"\"\"|[^"]|"(?!""))*\"\"\")
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<spread>\.\.\.)
  | (?P<punct>[!$&():=@\[\]{}|])
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
    """,
    re.VERBOSE,
)


class GraphQLSyntaxError(ValueError):
    pass


@dataclass
class Var:
    name: str


@dataclass
class Enum:
    name: str


@dataclass
class Field:
    name: str
    alias: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    directives: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    selections: list[Any] = field(default_factory=list)  # Field | Spread | Inline

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class Spread:
    name: str
    directives: list[tuple[str, dict[str, Any]]]


@dataclass
class Inline:
    type_name: str | None
    directives: list[tuple[str, dict[str, Any]]]
    selections: list[Any]


@dataclass
class Operation:
    kind: str
    name: str | None
    defaults: dict[str, Any]
    selections: list[Any]
    required: dict[str, str] = field(default_factory=dict)  # non-null variables -> type


@dataclass
class Document:
    operations: list[Operation]
    fragments: dict[str, tuple[str, list[Any]]]


def _tokenize(src: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            raise GraphQLSyntaxError(f"Syntax Error: Unexpected character {src[pos]!r}.")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, src: str) -> None:
        self.toks = _tokenize(src)
        self.i = 0

    def peek(self, value: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        return value is None or self.toks[self.i][1] == value

    def next(self) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise GraphQLSyntaxError("Syntax Error: Unexpected <EOF>.")
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.next()
        if tok[1] != value:
            raise GraphQLSyntaxError(f'Syntax Error: Expected "{value}", found "{tok[1]}".')

    def name(self) -> str:
        kind, value = self.next()
        if kind != "name":
            raise GraphQLSyntaxError(f'Syntax Error: Expected Name, found "{value}".')
        return value

    def document(self) -> Document:
        doc = Document([], {})
        while self.peek():
            if self.peek("{"):
                doc.operations.append(Operation("query", None, {}, self.selection_set()))
            elif self.peek("fragment"):
                self.next()
                name = self.name()
                self.expect("on")
                type_name = self.name()
                self.directives()
                doc.fragments[name] = (type_name, self.selection_set())
            else:
                kind = self.name()
                if kind not in ("query", "mutation", "subscription"):
                    raise GraphQLSyntaxError(f'Syntax Error: Unexpected Name "{kind}".')
                op_name = self.name() if self.toks[self.i][0] == "name" else None
                defaults, required = self.variable_definitions()
                self.directives()
                op = Operation(kind, op_name, defaults, self.selection_set(), required)
                doc.operations.append(op)
        if not doc.operations:
            raise GraphQLSyntaxError("Syntax Error: document has no operation.")
        return doc

    def variable_definitions(self) -> tuple[dict[str, Any], dict[str, str]]:
        defaults: dict[str, Any] = {}
        required: dict[str, str] = {}
        if not self.peek("("):
            return defaults, required
        self.next()
        while not self.peek(")"):
            self.expect("$")
            var = self.name()
            self.expect(":")
            type_text = self.type_ref()
            if self.peek("="):
                self.next()
                defaults[var] = self.value()
            elif type_text.endswith("!"):
                required[var] = type_text
            self.directives()
        self.next()
        return defaults, required

    def type_ref(self) -> str:
        if self.peek("["):
            self.next()
            text = f"[{self.type_ref()}]"
            self.expect("]")
        else:
            text = self.name()
        if self.peek("!"):
            self.next()
            text += "!"
        return text

    def directives(self) -> list[tuple[str, dict[str, Any]]]:
        out = []
        while self.peek("@"):
            self.next()
            out.append((self.name(), self.arguments()))
        return out

    def arguments(self) -> dict[str, Any]:
        args: dict[str, Any] = {}
        if self.peek("("):
            self.next()
            while not self.peek(")"):
                key = self.name()
                self.expect(":")
                args[key] = self.value()
            self.next()
        return args

    def selection_set(self) -> list[Any]:
        self.expect("{")
        out: list[Any] = []
        while not self.peek("}"):
            if self.peek("..."):
                self.next()
                if self.peek("on") or self.peek("{") or self.peek("@"):
                    type_name = None
                    if self.peek("on"):
                        self.next()
                        type_name = self.name()
                    dirs = self.directives()
                    out.append(Inline(type_name, dirs, self.selection_set()))
                else:
                    out.append(Spread(self.name(), self.directives()))
                continue
            name = self.name()
            alias = None
            if self.peek(":"):
                self.next()
                alias, name = name, self.name()
            fld = Field(name, alias, self.arguments(), self.directives())
            if self.peek("{"):
                fld.selections = self.selection_set()
            out.append(fld)
        self.next()
        return out

    def value(self) -> Any:
        kind, tok = self.next()
        if tok == "$":
            return Var(self.name())
        if kind == "number":
            return float(tok) if any(c in tok for c in ".eE") else int(tok)
        if kind == "string":
            return json.loads(tok)
        if kind == "block":
            return tok[3:-3].replace('\\"""', '"""').strip()
        if tok == "[":
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.next()
            return items
        if tok == "{":
            obj = {}
            while not self.peek("}"):
                key = self.name()
                self.expect(":")
                obj[key] = self.value()
            self.next()
            return obj
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(tok, Enum(tok))
        raise GraphQLSyntaxError(f'Syntax Error: Unexpected "{tok}".')


def parse(src: str) -> Document:
    return _Parser(src).document()


def resolve_value(value: Any, variables: dict[str, Any]) -> Any:
    """Substitute variables inside argument literals (recursively)."""
    if isinstance(value, Var):
        return variables.get(value.name)
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, list):
        return [resolve_value(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve_value(v, variables) for k, v in value.items()}
    return value


def included(directives: list[tuple[str, dict[str, Any]]], variables: dict[str, Any]) -> bool:
    for name, args in directives:
        cond = bool(resolve_value(args.get("if"), variables))
        if (name == "include" and not cond) or (name == "skip" and cond):
            return False
    return True


def flatten(
    selections: list[Any], doc: Document, variables: dict[str, Any], type_name: str
) -> list[Field]:
    """Expand fragments into a flat field list for one concrete object type."""
    out: list[Field] = []
    for sel in selections:
        if isinstance(sel, Field):
            if included(sel.directives, variables):
                out.append(sel)
        elif isinstance(sel, Spread):
            if sel.name not in doc.fragments:
                raise GraphQLSyntaxError(f'Unknown fragment "{sel.name}".')
            frag_type, frag_sel = doc.fragments[sel.name]
            if included(sel.directives, variables) and frag_type in (type_name, "Node"):
                out.extend(flatten(frag_sel, doc, variables, type_name))
        elif included(sel.directives, variables) and sel.type_name in (None, type_name, "Node"):
            out.extend(flatten(sel.selections, doc, variables, type_name))
    return out
