"""Pylon message bodies are HTML; the terminal wants plain, safe text.

A small converter on the stdlib parser: paragraphs and line breaks kept, lists bulleted,
links shown as `text (url)`, scripts and styles dropped, every control character removed.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .safe_text import strip_controls

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "pre", "blockquote", "tr", "h1", "h2", "h3", "h4"}
)
_SKIP = frozenset({"script", "style", "head", "title"})


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._href: list[str | None] = []
        self._link_text_start: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")
        if tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_text_start.append(len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "a" and self._href:
            href = self._href.pop()
            start = self._link_text_start.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href != label and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")
        if tag in ("p", "div", "pre", "blockquote", "ul", "ol"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    converter = _Converter()
    try:
        converter.feed(html)
        converter.close()
    except Exception:
        return strip_controls(html, keep_newlines=True)
    text = strip_controls("".join(converter.parts), keep_newlines=True)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def text_to_html(text: str) -> str:
    """What the user typed, as the `body_html` Pylon expects: escaped, one <p> per paragraph."""
    from html import escape

    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
