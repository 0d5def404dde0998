"""Completion for the filter input: what the word being typed could become.

Pure, so the hints are tested without a terminal; the TUI shows `hint` under the input and
offers `complete` as Textual's inline suggestion (accepted with →).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .query import CHOICES, FIELD_HELP, Field, QueryError, parse, quote

Candidates = Callable[[Field], Sequence[str]]
"""Known values for a field (tags on the board, account and teammate names)."""


def _last_token(text: str) -> str:
    if not text or text[-1].isspace():
        return ""
    return text.split()[-1] if text.split() else ""


def _options(field: Field, candidates: Candidates) -> list[str]:
    return [*CHOICES.get(field, ()), *candidates(field)]


def complete(text: str, candidates: Candidates) -> str | None:
    """`text` with its last word completed, or None when nothing fits uniquely-first."""
    token = _last_token(text)
    if not token:
        return None
    body = token[1:] if token.startswith("-") else token
    head = text[: len(text) - len(body)]
    name, colon, raw = body.partition(":")
    if not colon:
        for f in Field:
            if f.value.startswith(name.lower()) and name:
                return head + f.value + ":"
        return None
    try:
        field = Field(name.lower())
    except ValueError:
        return None
    done, _, partial = raw.rpartition(",") if "," in raw else ("", "", raw)
    prefix = f"{head}{name}:{done + ',' if done else ''}"
    for option in _options(field, candidates):
        if option.lower().startswith(partial.lower()) and option.lower() != partial.lower():
            return prefix + quote(option)
    return None


def hint(text: str, candidates: Candidates) -> str:
    """One line under the input: the error, or what the current word can be."""
    token = _last_token(text)
    error_text: str | None = None
    try:
        parse(text)
    except QueryError as error:
        if not (token and ":" in token and error.start >= len(text) - len(token)):
            return f"✗ {error.message}"  # not the word being typed: say what is wrong
        error_text = error.message
    body = token[1:] if token.startswith("-") else token
    name, colon, raw = body.partition(":")
    if colon:
        try:
            field = Field(name.lower())
        except ValueError:
            return f"✗ {error_text}" if error_text else ""
        partial = raw.rpartition(",")[2].lower()
        options = [o for o in _options(field, candidates) if o.lower().startswith(partial)]
        if options:
            shown = ", ".join(quote(o) for o in options[:8])
            more = " …" if len(options) > 8 else ""
            return f"{field.value}: {shown}{more}"
        if error_text:
            return f"✗ {error_text}"
        return f"{field.value}: {FIELD_HELP[field]}"
    if error_text:
        return f"✗ {error_text}"
    fields = [f.value + ":" for f in Field if f.value.startswith(body.lower())] if body else []
    if fields and body:
        return "fields: " + " ".join(fields)
    return "fields: " + " ".join(f.value + ":" for f in Field) + "  ·  -term negates  ·  a,b either"
