"""One parser for what a user pastes to name an engineering issue (hold dialog, move --link)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain import ExternalLink, LinkedIssue
from pylon_tui.domain.issue_refs import (
    GITHUB,
    LINEAR,
    IssueRef,
    IssueRefError,
    parse_github_issue,
    parse_issue_ref,
)
from pylon_tui.domain.links import IssueStateType, github_ref_of
from pylon_tui.domain.safe_text import one_line

UUID = "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://github.com/acme/api/issues/42", IssueRef(GITHUB, "acme/api/42")),
        (
            "http://www.github.com/Acme-Co/my.repo_x/issues/7/",
            IssueRef(GITHUB, "Acme-Co/my.repo_x/7"),
        ),
        ("github.com/acme/api/issues/42#issuecomment-9", IssueRef(GITHUB, "acme/api/42")),
        ("  https://GitHub.com/acme/api/issues/42?x=1  ", IssueRef(GITHUB, "acme/api/42")),
        ("acme/api#42", IssueRef(GITHUB, "acme/api/42")),
        ("https://linear.app/acme/issue/ENG-123/export-times-out", IssueRef(LINEAR, "ENG-123")),
        ("linear.app/acme/issue/ops2-7?foo=1#bar", IssueRef(LINEAR, "OPS2-7")),
        ("eng-42", IssueRef(LINEAR, "ENG-42")),
        (UUID.upper(), IssueRef(LINEAR, UUID)),
        (UUID.replace("-", ""), IssueRef(LINEAR, UUID)),
    ],
)
def test_accepts_linear_and_github_issues(text: str, expected: IssueRef) -> None:
    assert parse_issue_ref(text) == expected


def test_labels_name_the_issue_as_people_do() -> None:
    assert parse_issue_ref("https://github.com/acme/api/issues/42").label == "acme/api#42"
    assert parse_issue_ref("eng-42").label == "ENG-42"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter a Linear issue"),
        ("https://github.com/acme/api/pull/42", "is a pull request"),
        ("https://github.com/acme/api", "is not a GitHub issue link"),
        ("https://github.com/acme/api/issues/0", "is not a GitHub issue link"),
        ("https://github.com/acme/../issues/4", "is not a GitHub issue link"),
        ("https://user:pw@github.com/acme/api/issues/4", "or a GitHub issue URL"),
        ("ftp://github.com/acme/api/issues/4", "or a GitHub issue URL"),
        ("https://github.com:bad/acme/api/issues/4", "or a GitHub issue URL"),
        ("https://evil.example/github.com/acme/api/issues/4", "or a GitHub issue URL"),
        ("https://gitlab.com/acme/api/-/issues/4", "or a GitHub issue URL"),
        ("https://linear.app/acme/project/foo", "is not a Linear issue link"),
        ("http://[::1/x", "or a GitHub issue URL"),
        ("hello world", "is not a Linear issue URL"),
    ],
)
def test_refuses_with_what_would_work(text: str, message: str) -> None:
    with pytest.raises(IssueRefError, match=re.escape(message)):
        parse_issue_ref(text)


def test_refusal_repeats_input_as_one_short_plain_line() -> None:
    with pytest.raises(IssueRefError) as info:
        parse_issue_ref("\x1b]52;c;aGk=\x07evil\nhttps://x.example/" + "y" * 500)
    text = str(info.value)
    assert one_line(text) == text  # no escape, bell or newline survives
    assert len(text) < 200


def test_github_only_parser_refuses_linear() -> None:
    with pytest.raises(IssueRefError, match="GitHub issue link"):
        parse_github_issue("ENG-12")


def test_watcher_reads_the_number_from_the_link_url_before_external_id() -> None:
    # Pylon documents GitHub's external_id as Owner/Repo/IssueID: maybe GitHub's internal id.
    link = ExternalLink("github", "acme/api/1234567890", "https://github.com/acme/api/issues/42")
    assert github_ref_of(link) == "acme/api/42"
    assert link.short_label == "acme/api#42"
    bare = ExternalLink("github", "acme/api/42")
    assert github_ref_of(bare) == "acme/api/42"
    odd = ExternalLink("github", "acme/api/42", "https://example.com/not-github")
    assert github_ref_of(odd) == "acme/api/42"


def test_deleted_issue_counts_closed_and_says_deleted() -> None:
    gone = LinkedIssue(
        "github",
        "acme/api/4",
        "acme/api#4",
        "",
        "deleted",
        IssueStateType.UNKNOWN,
        "",
        deleted=True,
    )
    done = LinkedIssue("linear", "u", "ENG-1", "t", "Done", IssueStateType.COMPLETED, "")
    assert gone.is_closed
    assert gone.ending == "acme/api#4 was deleted"
    assert done.ending == "ENG-1 (Done) closed"


# ------------------------------------------------------------------ hostile input (Hypothesis)

HOSTILE_CHARS = st.characters(codec="utf-8") | st.sampled_from(
    list("\x00\x07\x1b\x9b\u202e\u200f\r\n\t/#?:@[]%.-_") + list(string.ascii_letters)
)
PIECES = st.sampled_from(
    [
        "https://",
        "http://",
        "github.com/",
        "www.github.com/",
        "linear.app/",
        "issues/",
        "issue/",
        "pull/",
        "acme/",
        "api",
        "#",
        "42",
        "ENG-",
        "@",
        ":99999",
        "[::1]",
        "/",
        "..",
        UUID,
    ]
)
JUNK = st.text(
    st.sampled_from(string.ascii_letters + string.digits + "-_.%\x1b\u202e "), max_size=8
)
SEGMENT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,6}", fullmatch=True) | JUNK
NEAR_VALID = st.builds(
    "{}{}/{}/{}/{}/{}{}".format,
    st.sampled_from(["https://", "http://", "", "ftp://", "https://user@"]),
    st.sampled_from(["github.com", "www.github.com", "GitHub.com", "linear.app", "evil.example"]),
    SEGMENT,
    SEGMENT,
    st.sampled_from(["issues", "issues", "issue", "pull", ""]),
    st.integers(-5, 10**12).map(str) | JUNK,
    st.sampled_from(["", "/", "#c", "?q=1", "/x/y", "\n"]),
)
HOSTILE = st.lists(PIECES | st.text(HOSTILE_CHARS, max_size=12), max_size=10).map("".join)
_KEYS = {
    GITHUB: re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}/[1-9][0-9]{0,9}"),
    LINEAR: re.compile(
        r"[A-Z][A-Z0-9_]{0,19}-[0-9]{1,9}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
    ),
}


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_hostile_input_gives_a_clean_ref_or_a_clean_refusal(text: str) -> None:
    check_ref_or_refusal(text)


@settings(max_examples=200, deadline=None)
@given(NEAR_VALID)
def test_near_miss_urls_give_a_clean_ref_or_a_clean_refusal(text: str) -> None:
    check_ref_or_refusal(text)


def check_ref_or_refusal(text: str) -> None:
    try:
        ref = parse_issue_ref(text)
    except IssueRefError as error:
        message = str(error)
        assert one_line(message) == message  # plain text, safe for a status line
        assert len(message) < 220
        return
    assert _KEYS[ref.source].fullmatch(ref.key), ref
    assert one_line(ref.label) == ref.label
    if ref.source == GITHUB:  # the canonical URL of what was accepted reads back the same
        owner, repo, number = ref.key.split("/")
        assert parse_issue_ref(f"https://github.com/{owner}/{repo}/issues/{number}") == ref
