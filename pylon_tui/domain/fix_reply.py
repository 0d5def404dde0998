"""Fix-ready replies: the customer-facing text drafted when a linked issue closes.

Each ending gets its own words: a shipped fix names the issue and (when known) the release;
a canceled or won't-fix issue says plainly that no change is coming; a deleted issue gets no
draft at all (it is flagged: someone must ask engineering first). Teams override any of
these in `[templates]` (`fixed`, `canceled`, `wont_fix`, `duplicate`); placeholders are
`{title}`, `{identifier}` and `{release}` (" in release 2024.6", or "").
"""

from __future__ import annotations

from collections.abc import Mapping

from .links import LinkedIssue, Outcome

DEFAULT_FIX_TEMPLATES: dict[str, str] = {
    "fixed": (
        'Good news: the fix for "{title}" has shipped{release}. Could you check on your side '
        "and let us know whether everything works as expected now?"
    ),
    "canceled": (
        'An update on this: our engineering team has closed "{title}" without making a change '
        "for now. We're sorry this isn't the answer you hoped for; let us know how this "
        "affects you and we'll look at what else we can do."
    ),
    "wont_fix": (
        'An update on this: our engineering team has decided not to change "{title}". We know '
        "that isn't the news you wanted; reply here and we'll help you find a workaround."
    ),
    "duplicate": (
        'An update on this: "{title}" was merged into another issue our engineering team is '
        "tracking. We'll keep you posted there."
    ),
}
FIX_TEMPLATE_NAMES = tuple(DEFAULT_FIX_TEMPLATES)


def template_name(outcome: Outcome) -> str | None:
    """The template an ending drafts from; None: nothing to tell yet (open, deleted)."""
    return {
        Outcome.FIXED: "fixed",
        Outcome.CANCELED: "canceled",
        Outcome.WONT_FIX: "wont_fix",
        Outcome.DUPLICATE: "duplicate",
    }.get(outcome)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def draft_fix_reply(issue: LinkedIssue, templates: Mapping[str, str] | None = None) -> str | None:
    """The drafted reply for `issue`'s ending, or None when there is nothing to say yet.
    A user template with a stray brace is used as written rather than failing."""
    name = template_name(issue.outcome)
    if name is None:
        return None
    text = (templates or {}).get(name) or DEFAULT_FIX_TEMPLATES[name]
    values = _Blank(
        title=issue.title or issue.identifier,
        identifier=issue.identifier,
        release=f" in release {issue.release}" if issue.release else "",
    )
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return text


__all__ = ["DEFAULT_FIX_TEMPLATES", "FIX_TEMPLATE_NAMES", "draft_fix_reply", "template_name"]
