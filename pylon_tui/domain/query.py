"""The one query language of `/`, saved views and `pylon-tui list --filter`.

    assignee:me priority:urgent,high account:"Acme Logistics" tag:billing -tag:spam
    sla:<2h waiting:>1d linked:none state:on_hold free words

A query is terms (`field:value`, alternatives split by `,` or `|`), free words, and `-` in
front of either to negate it; everything is ANDed. `parse` and `to_text` are inverses on the
syntax tree (a property test holds them to it), so a view saved from the board prints back
as the user can read and edit it. Errors name the term and say what would be valid, because
the user is mid-typing when they see one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Literal


class Field(StrEnum):
    ASSIGNEE = "assignee"
    PRIORITY = "priority"
    ACCOUNT = "account"
    TAG = "tag"
    STATE = "state"
    SLA = "sla"
    WAITING = "waiting"
    UPDATED = "updated"
    LINKED = "linked"


FIELD_HELP: dict[Field, str] = {
    Field.ASSIGNEE: "me, none or a name",
    Field.PRIORITY: "urgent, high, medium, low or none",
    Field.ACCOUNT: "an account name (part of it is enough)",
    Field.TAG: "a tag",
    Field.STATE: "new, waiting_on_you, waiting_on_customer, on_hold, closed or a status slug",
    Field.SLA: "<2h, >30m, breached or none (time to the next SLA breach)",
    Field.WAITING: "<1h or >1d (time since the customer last wrote)",
    Field.UPDATED: "<1h or >1d (time since the ticket last changed)",
    Field.LINKED: "none, open, closed or any (linked Linear or GitHub issues)",
}

CHOICES: dict[Field, tuple[str, ...]] = {
    Field.PRIORITY: ("urgent", "high", "medium", "low", "none"),
    Field.LINKED: ("none", "open", "closed", "any"),
    Field.SLA: ("breached", "none"),
    Field.ASSIGNEE: ("me", "none"),
    Field.STATE: ("new", "waiting_on_you", "waiting_on_customer", "on_hold", "closed"),
}
"""Words a field accepts (for SLA and assignee, besides comparisons and names)."""

_DURATION_FIELDS = frozenset({Field.SLA, Field.WAITING, Field.UPDATED})
_CLOSED_CHOICES = frozenset({Field.PRIORITY, Field.LINKED})
_NAME = re.compile(r"[A-Za-z_]+")
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DURATION = re.compile(r"(\d{1,6})([mhdw])")
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1)}
_UNITS["m"] = timedelta(minutes=1)
_PLAIN = re.compile(r'[^\s",|\\<>:-][^\s",|\\]*')
"""A value or word that needs no quotes (a leading `-`, `<`, `>` or `:` would mean something)."""


class QueryError(ValueError):
    """A query that does not parse. `term` is the offending text as typed, `start` its
    offset in the query, so an input can point at it."""

    def __init__(self, message: str, term: str, start: int) -> None:
        super().__init__(message)
        self.message = message
        self.term = term
        self.start = start


@dataclass(frozen=True, slots=True)
class Comparison:
    """`<2h` or `>1d`: less or more time than `amount`."""

    op: Literal["<", ">"]
    amount: timedelta

    def __str__(self) -> str:
        return f"{self.op}{format_duration(self.amount)}"


Value = str | Comparison


@dataclass(frozen=True, slots=True)
class Term:
    field: Field
    values: tuple[Value, ...]
    """Alternatives: the term matches when any does."""
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Word:
    """Free text: matches number, title, account, assignee and tags, case-insensitively."""

    text: str
    negated: bool = False


Part = Term | Word


@dataclass(frozen=True, slots=True)
class Query:
    parts: tuple[Part, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.parts

    def and_(self, other: Query) -> Query:
        return Query(self.parts + other.parts)

    @property
    def words_only(self) -> bool:
        """Only plain words: typing more can only narrow the matches (the view reuses them)."""
        return all(isinstance(p, Word) and not p.negated for p in self.parts)


EMPTY = Query()


# ----- durations ------------------------------------------------------------------------
def parse_duration(text: str) -> timedelta | None:
    """`30m`, `2h`, `1d`, `1w`, or several (`1h30m`); None if it is not one."""
    if not text:
        return None
    total, pos = timedelta(), 0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            return None
        total += int(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    return total if pos == len(text) else None


def format_duration(amount: timedelta) -> str:
    """The shortest exact spelling parse_duration reads back: 90m -> 1h30m, 7d -> 1w."""
    minutes = int(amount.total_seconds() // 60)
    if minutes <= 0:
        return "0m"
    out = []
    for unit, size in (("w", 7 * 24 * 60), ("d", 24 * 60), ("h", 60), ("m", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


# ----- parsing --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int


def _tokens(text: str) -> list[_Token]:
    """Whitespace-separated tokens; quotes ("...", with \\" and \\\\) may hold spaces and
    may appear anywhere in a token (`account:"Acme Logistics"`). Quotes are kept."""
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] == '"':
                i += 1
                while i < n and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                if i >= n:
                    raise QueryError(
                        f'unclosed quote in {text[start:]!r}: end it with "', text[start:], start
                    )
            i += 1
        out.append(_Token(text[start:i], start))
    return out


def _split_values(raw: str, token: _Token) -> list[tuple[str, bool]]:
    """Alternatives split on unquoted `,` or `|`: (text, was quoted)."""
    values: list[tuple[str, bool]] = []
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            quoted = True
            i += 1
            while raw[i] != '"':
                if raw[i] == "\\":
                    i += 1
                current.append(raw[i])
                i += 1
        elif ch in ",|":
            values.append(("".join(current), quoted))
            current, quoted = [], False
        else:
            current.append(ch)
        i += 1
    values.append(("".join(current), quoted))
    return values


def parse(text: str) -> Query:
    """The query in `text`; raises QueryError naming the first bad term."""
    parts: list[Part] = []
    for token in _tokens(text):
        body, negated = token.text, False
        if body.startswith("-") and len(body) > 1:
            body, negated = body[1:], True
        if body.startswith('"'):
            parts.append(Word(_word_text(body, token), negated))
            continue
        name, colon, raw = body.partition(":")
        if not colon or not _NAME.fullmatch(name):
            parts.append(Word(body, negated))
            continue
        parts.append(_term(name, raw, negated, token))
    return Query(tuple(parts))


def _word_text(body: str, token: _Token) -> str:
    values = _split_values(body, token)
    if len(values) != 1 or not body.endswith('"'):
        raise QueryError(
            f'{token.text!r}: put the whole word in quotes, like "two words"',
            token.text,
            token.start,
        )
    return values[0][0]


def _term(name: str, raw: str, negated: bool, token: _Token) -> Term:
    try:
        field = Field(name.lower())
    except ValueError:
        close = difflib.get_close_matches(name.lower(), [f.value for f in Field], n=1)
        guess = f" (did you mean {close[0]}:?)" if close else ""
        fields = ", ".join(f.value for f in Field)
        raise QueryError(
            f"unknown field {name!r} in {token.text!r}{guess}; fields: {fields}",
            token.text,
            token.start,
        ) from None
    values: list[Value] = []
    for text, quoted in _split_values(raw, token):
        if not text and not quoted:
            raise QueryError(
                f"{token.text!r} needs a value after {field.value}: ({FIELD_HELP[field]})",
                token.text,
                token.start,
            )
        values.append(_value(field, text, quoted, token))
    return Term(field, tuple(values), negated)


def _value(field: Field, text: str, quoted: bool, token: _Token) -> Value:
    def bad(why: str) -> QueryError:
        return QueryError(f"{token.text!r}: {why}", token.text, token.start)

    if field in _DURATION_FIELDS and not quoted and text[:1] in ("<", ">"):
        amount = parse_duration(text[1:])
        if amount is None:
            raise bad(f"{text[1:]!r} is not a time; use m, h, d or w, like 30m, 2h or 1d")
        return Comparison("<" if text[0] == "<" else ">", amount)
    if field in _DURATION_FIELDS:
        if field is Field.SLA and text.lower() in CHOICES[Field.SLA]:
            return text.lower()
        raise bad(f"{field.value} takes {FIELD_HELP[field]}")
    if field in _CLOSED_CHOICES:
        if text.lower() not in CHOICES[field]:
            raise bad(f"{field.value} is {FIELD_HELP[field]}")
        return text.lower()
    if field is Field.STATE:
        if not _SLUG.fullmatch(text.lower()):
            raise bad(f"state is {FIELD_HELP[field]}")
        return text.lower()
    return text


# ----- printing -------------------------------------------------------------------------
def quote(text: str) -> str:
    """`text` as one query token's value: bare when it can be, else in quotes."""
    if _PLAIN.fullmatch(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _print_value(value: Value) -> str:
    return str(value) if isinstance(value, Comparison) else quote(value)


def to_text(query: Query) -> str:
    """The canonical spelling: parse(to_text(q)) == q."""
    out = []
    for part in query.parts:
        sign = "-" if part.negated else ""
        if isinstance(part, Word):
            word = part.text
            # a bare word must not read as a term or a negation
            needs_quotes = ":" in word or word.startswith("-") or not _PLAIN.fullmatch(word)
            shown = f'"{_escape(word)}"' if needs_quotes else word
            out.append(sign + shown)
        else:
            values = ",".join(_print_value(v) for v in part.values)
            out.append(f"{sign}{part.field.value}:{values}")
    return " ".join(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def normalize(text: str) -> str:
    """The canonical spelling of a query string (raises QueryError)."""
    return to_text(parse(text))
