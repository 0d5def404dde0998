"""The query language's printer and parser are inverses, and the parser never crashes:
any text either parses or raises a QueryError naming a term."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain.query import (
    CHOICES,
    Comparison,
    Field,
    Query,
    QueryError,
    Term,
    Word,
    format_duration,
    parse,
    parse_duration,
    to_text,
)

TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)
DURATION = st.integers(0, 60 * 24 * 400).map(lambda m: timedelta(minutes=m))
COMPARISON = st.builds(Comparison, st.sampled_from(["<", ">"]), DURATION)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)


def values_for(field: Field) -> st.SearchStrategy[object]:
    if field in (Field.WAITING, Field.UPDATED):
        return COMPARISON
    if field is Field.SLA:
        return st.one_of(COMPARISON, st.sampled_from(CHOICES[Field.SLA]))
    if field in (Field.PRIORITY, Field.LINKED):
        return st.sampled_from(CHOICES[field])
    if field is Field.STATE:
        return SLUG
    return TEXT  # assignee, account, tag: any text, quoted when it must be


@st.composite
def terms(draw: st.DrawFn) -> Term:
    field = draw(st.sampled_from(list(Field)))
    values = draw(st.lists(values_for(field), min_size=1, max_size=3))
    return Term(field, tuple(values), draw(st.booleans()))  # type: ignore[arg-type]


WORDS = st.builds(Word, TEXT.filter(lambda t: t != "" and not t.isspace()), st.booleans())
QUERIES = st.builds(Query, st.lists(st.one_of(terms(), WORDS), max_size=6).map(tuple))


@settings(max_examples=300, deadline=None)
@given(QUERIES)
def test_parse_reads_back_what_to_text_prints(query: Query) -> None:
    text = to_text(query)
    assert parse(text) == query, text
    assert to_text(parse(text)) == text, "the printed form is canonical"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_names_the_bad_term(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as error:
        failed: QueryError | None = error
    else:
        failed = None
        assert parse(to_text(query)) == query
    if failed is not None:
        assert failed.term
        assert failed.term in text
        assert 0 <= failed.start < len(text)
        # The message names the term; a control character in it is shown escaped (repr),
        # never raw: the message reaches the terminal.
        named = failed.term in failed.message or repr(failed.term) in failed.message
        assert named or "quote" in failed.message
        assert not any(ch < " " or ch == "\x7f" for ch in failed.message)


@settings(max_examples=200, deadline=None)
@given(DURATION)
def test_durations_round_trip(amount: timedelta) -> None:
    assert parse_duration(format_duration(amount)) == amount


def test_the_issue_example_parses_to_its_terms() -> None:
    query = parse(
        'assignee:me priority:urgent,high account:"Acme Logistics" tag:billing -tag:spam '
        "sla:<2h waiting:>1d linked:none|open|closed state:on_hold free words"
    )
    assert query.parts[:4] == (
        Term(Field.ASSIGNEE, ("me",)),
        Term(Field.PRIORITY, ("urgent", "high")),
        Term(Field.ACCOUNT, ("Acme Logistics",)),
        Term(Field.TAG, ("billing",)),
    )
    assert query.parts[4] == Term(Field.TAG, ("spam",), negated=True)
    assert query.parts[5] == Term(Field.SLA, (Comparison("<", timedelta(hours=2)),))
    assert query.parts[6] == Term(Field.WAITING, (Comparison(">", timedelta(days=1)),))
    assert query.parts[7] == Term(Field.LINKED, ("none", "open", "closed"))
    assert query.parts[8] == Term(Field.STATE, ("on_hold",))
    assert query.parts[9:] == (Word("free"), Word("words"))


def test_errors_name_the_term_and_say_what_is_valid() -> None:
    cases = {
        "priorty:high": "did you mean priority:",
        "priority:hgih": "urgent, high, medium, low or none",
        "sla:<2x": "like 30m, 2h or 1d",
        "waiting:2h": "<1h or >1d",
        'account:"Acme': "unclosed quote",
        "tag:": "needs a value",
        "linked:maybe": "none, open, closed or any",
    }
    for text, says in cases.items():
        with pytest.raises(QueryError) as caught:
            parse(f"login {text}")
        assert says in caught.value.message, (text, caught.value.message)
        assert caught.value.start == len("login ")
