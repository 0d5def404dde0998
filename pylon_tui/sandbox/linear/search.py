"""IssueFilter evaluation and a relevance ranking for searchIssues.

The ranking is token overlap with light stemming and a few support-vocabulary synonyms,
so "SSO login loop with Okta" finds "Okta SAML login redirects forever": good enough to make
the duplicate-search flow meaningful without a search engine.
"""

from __future__ import annotations

import re
from typing import Any

from ..util import JSON
from .schema import ResolverError

_STOPWORD_TEXT = (
    "a an and are as at be but by can do does for from has have how i in is it its me my "
    "no not of on or our so that the their them then there this to too up us was we were "
    "what when where which with you your after again still"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
SYNONYMS = {
    "signin": "login",
    "logon": "login",
    "log": "login",
    "sign": "login",
    "saml": "sso",
    "alert": "notification",
    "notify": "notification",
    "push": "notification",
    "crash": "crash",
    "startup": "launch",
    "hang": "stuck",
    "freeze": "stuck",
    "forever": "loop",
    "redirect": "loop",
    "duplicate": "twice",
    "duplicated": "twice",
    "slow": "timeout",
}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(text: str | None) -> set[str]:
    out: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", (text or "").lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        stem = _stem(word)
        out.add(SYNONYMS.get(word, SYNONYMS.get(stem, stem)))
    return out


def rank(term: str, nodes: list[JSON], team_id: Any = None) -> list[JSON]:
    wanted = tokens(term)
    needle = term.strip().lower()
    scored: list[tuple[float, str, JSON]] = []
    for node in nodes:
        title = tokens(node["title"])
        desc = tokens(node["description"])
        score = sum(2.0 if t in title else 0.5 if t in desc else 0.0 for t in wanted)
        if needle and needle == node["identifier"].lower():
            score += 100.0
        elif len(needle) >= 3 and needle in node["title"].lower():
            score += 3.0
        if score <= 0:
            continue
        if team_id and node["team"]["id"] == team_id:
            score += 0.5
        scored.append((score, node["updatedAt"], node))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [{**node, "metadata": {"score": score}} for score, _, node in scored]


def _check(op: str, value: Any, arg: Any) -> bool:
    text = value.lower() if isinstance(value, str) else None
    if op == "eq":
        return bool(value == arg)
    if op == "neq":
        return bool(value != arg)
    if op == "in":
        return value in (arg or [])
    if op == "nin":
        return value not in (arg or [])
    if op == "null":
        return (value is None) == bool(arg)
    if op in ("gt", "gte", "lt", "lte"):
        if value is None:
            return False
        return bool(
            {"gt": value > arg, "gte": value >= arg, "lt": value < arg, "lte": value <= arg}[op]
        )
    if text is None:
        return False
    needle = str(arg)
    string_ops = {
        "contains": needle in value,
        "notContains": needle not in value,
        "containsIgnoreCase": needle.lower() in text,
        "startsWith": value.startswith(needle),
        "endsWith": value.endswith(needle),
        "eqIgnoreCase": text == needle.lower(),
    }
    if op not in string_ops:
        raise ValueError(f"unsupported comparator {op!r}")
    return bool(string_ops[op])


_OPS_TEXT = (
    "eq neq in nin null gt gte lt lte contains notContains containsIgnoreCase startsWith "
    "endsWith eqIgnoreCase"
)
_OPS = frozenset(_OPS_TEXT.split())


def _compare(value: Any, comparator: Any) -> bool:
    if not isinstance(comparator, dict):
        raise ValueError("comparator must be an object")
    for op, arg in comparator.items():
        if op not in _OPS:
            raise ValueError(f"unsupported comparator {op!r}")
        if not _check(op, value, arg):
            return False
    return True


_NESTED = {
    "state": ("id", "name", "type"),
    "team": ("id", "key", "name"),
}
_SCALARS = (
    "id",
    "number",
    "title",
    "description",
    "priority",
    "createdAt",
    "updatedAt",
    "completedAt",
    "canceledAt",
    "startedAt",
)


def matches(node: JSON, flt: Any) -> bool:
    """Evaluate a (subset of) Linear IssueFilter; unknown keys raise a clear input error."""
    if flt is None:
        return True
    if not isinstance(flt, dict):
        raise ResolverError("filter must be an object")
    try:
        for key, cond in flt.items():
            if key == "and":
                if not all(matches(node, sub) for sub in cond):
                    return False
            elif key == "or":
                if not any(matches(node, sub) for sub in cond):
                    return False
            elif key in _SCALARS:
                if not _compare(node[key], cond):
                    return False
            elif key in _NESTED and isinstance(cond, dict):
                for sub_key, sub_cond in cond.items():
                    if sub_key not in _NESTED[key]:
                        raise ValueError(f"unsupported filter {key}.{sub_key}")
                    if not _compare(node[key][sub_key], sub_cond):
                        return False
            else:
                raise ValueError(f"unsupported IssueFilter field {key!r}")
    except ValueError as exc:
        raise ResolverError(f"sandbox: {exc}") from None
    return True
