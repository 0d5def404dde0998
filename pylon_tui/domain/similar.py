"""Same-issue hint: a New ticket whose title resembles an On Hold ticket's (or its linked
issue's) is probably the same bug, and should join that issue rather than get a new one.

Word overlap (Jaccard over lower-cased words, short and common words left out) is crude but
predictable: the hint shows only above a fairly high bar, and it only ever suggests; the
user decides with one key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .links import ExternalLink, LinkedIssue
from .ticket import Ticket

THRESHOLD = 0.5
_WORD = re.compile(r"[a-z0-9]+")
_COMMON = frozenset(
    {"a", "an", "and", "are", "at", "be", "but", "by", "can", "cant", "do", "does", "for"}
    | {"from", "has", "have", "in", "is", "it", "its", "not", "of", "on", "or", "our", "the"}
    | {"to", "we", "when", "with", "you", "your", "after", "into", "us", "they", "their"}
    | {"this", "that"}
)


@lru_cache(maxsize=16_384)
def words(text: str) -> frozenset[str]:
    """Remembered per title: a New card's hint compares it with every On Hold title."""
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _COMMON)


def resemblance(a: str, b: str) -> float:
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True, slots=True)
class SameIssueHint:
    """ "like #23 (ENG-12)": the On Hold ticket and the issue to join."""

    like: Ticket
    link: ExternalLink
    label: str
    score: float

    @property
    def text(self) -> str:
        return f"like #{self.like.number} ({self.label})"

    @property
    def short(self) -> str:
        """What a 19-cell card has room for; the preview says `text`."""
        return f"≈#{self.like.number}"


def same_issue_hint(
    ticket: Ticket,
    on_hold: Iterable[Ticket],
    live: Mapping[str, LinkedIssue] | None = None,
    *,
    threshold: float = THRESHOLD,
) -> SameIssueHint | None:
    """The best On Hold match for `ticket` at or above `threshold`, or None. A match on the
    linked issue's title counts as much as one on the ticket's. An issue known to be closed
    is never offered: linking to it would put the ticket On Hold for a fix that is done."""
    known = live or {}
    best: SameIssueHint | None = None
    for other in on_hold:
        if other.id == ticket.id:
            continue
        for link in other.links:
            if not link.is_tracking:
                continue
            issue = known.get(link.external_id)
            if issue is not None and issue.is_closed:  # its tickets are on their way back
                continue
            score = resemblance(ticket.title, other.title)
            if issue is not None and issue.title:
                score = max(score, resemblance(ticket.title, issue.title))
            if score < threshold or (best is not None and score <= best.score):
                continue
            label = issue.identifier if issue is not None else link.short_label
            best = SameIssueHint(other, link, label, score)
    return best


class LookAlikes:
    """On Hold tickets by the words of their titles and their linked issues' titles.

    A New ticket can only reach the bar against a ticket it shares a word with, so it is
    scored against those alone: the same answer as `same_issue_hint` over every On Hold
    ticket, at the cost of a few dictionary lookups per card instead of thousands of
    comparisons (a 100,000-ticket board holds ~15,000 On Hold)."""

    def __init__(self, on_hold: Iterable[Ticket], live: Mapping[str, LinkedIssue]) -> None:
        self._live = live
        self._order: dict[str, int] = {}
        self._by_word: dict[str, list[Ticket]] = {}
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for position, other in enumerate(on_hold):
            tracking = [link for link in other.links if link.is_tracking]
            if not tracking:
                continue
            # Tickets with one title and the same issues score alike: the first stands for
            # all (a tie keeps the first anyway), so a common bug's 500 tickets cost one.
            same = (other.title, tuple(link.external_id for link in tracking))
            if same in seen:
                continue
            seen.add(same)
            self._order[other.id] = position
            keys = set(words(other.title))
            for link in tracking:
                issue = live.get(link.external_id)
                if issue is not None and issue.title:
                    keys |= words(issue.title)
            for word in keys:
                self._by_word.setdefault(word, []).append(other)

    def hint(self, ticket: Ticket) -> SameIssueHint | None:
        found: dict[str, Ticket] = {}
        for word in words(ticket.title):
            for other in self._by_word.get(word, ()):
                found[other.id] = other
        ordered = sorted(found.values(), key=lambda t: self._order[t.id])  # ties: as before
        return same_issue_hint(ticket, ordered, self._live)


__all__ = [
    "THRESHOLD",
    "LookAlikes",
    "SameIssueHint",
    "resemblance",
    "same_issue_hint",
    "words",
]
