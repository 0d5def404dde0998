"""The README's keys table and `[keys]` name list, written from the catalogue.

`python -m pylon_tui.tui.catalog --readme` rewrites the text between the markers in README.md;
a test fails when README and catalogue differ, so neither can drift from the other.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from . import ANYWHERE, CATALOG, Scope, key_label, spec

TABLE_MARKERS = ("<!-- keys:table -->", "<!-- /keys:table -->")
NAMES_MARKERS = ("<!-- keys:names -->", "<!-- /keys:names -->")

_ARROWS = {"down": "↓", "up": "↑", "left": "←", "right": "→"}

Row = tuple[str, tuple[tuple[str, ...], ...]]

# (what it does, id groups): ids in a group share a cell, groups are joined by " / ".
# `{id}` in the text is replaced by that action's keys (dialog keys mentioned in passing).
README_ROWS: tuple[Row, ...] = (
    ("focus next / previous card", (("cursor_down",), ("cursor_up",))),
    (
        "focus the column to the left / right (each column remembers its row)",
        (("cursor_left",), ("cursor_right",)),
    ),
    ("first / last card of the column", (("cursor_top",), ("cursor_bottom",))),
    ("half a screen down / up", (("page_down",), ("page_up",))),
    (
        "move the card (or the selected cards) one column right / left",
        (("move_right",), ("move_left",)),
    ),
    ("move to a column picked by name", (("move_to",),)),
    (
        "priority urgent / high / medium / low / clear",
        (
            ("priority_urgent", "priority_high", "priority_medium", "priority_low"),
            ("priority_clear",),
        ),
    ),
    (
        "undo: first takes back a reply or note still counting down to its send (back into "
        "the editor, unsent), else your last move, priority, assignee or link (only while the "
        "ticket is as you left it; a toast names what was undone)",
        (("undo",),),
    ),
    (
        "ticket detail: fields, SLA, linked issues and their state, the message thread",
        (("open_detail",),),
    ),
    (
        "quick reply: your draft for this ticket if you left one, else the `acknowledge` "
        "template ({compose_next_template} inserts a template at the cursor, {compose_send} "
        "send, {dialog_cancel} keeps the draft)",
        (("reply",),),
    ),
    ("internal note (its draft is kept the same way)", (("note",),)),
    ("assign to a teammate (picker) / assign to me (`me_email`)", (("assign",), ("assign_me",))),
    ("link a Linear or GitHub issue without moving the ticket", (("link",),)),
    (
        "edit the tags: the organization's tags to tick, or type a new one (`enter` ticks or "
        "adds, {tags_save} saves the exact list)",
        (("tags",),),
    ),
    (
        "snooze: 1 hour, tomorrow 9:00, next Monday 9:00 or a typed time (`2h`, `14:30`, "
        "`fri 10:00`); the card leaves the board and is listed under `o`",
        (("snooze",),),
    ),
    ("copy the ticket's Pylon link to the clipboard (OSC 52: works over SSH)", (("copy_link",),)),
    (
        "ready to tell: replies drafted when a linked issue closed; review one, or send all "
        "with each shown in the editor first",
        (("ready_to_tell",),),
    ),
    (
        "a New card says `≈#23` (the preview: `like #23 (ENG-12)`): link it to that issue "
        "and put it On Hold",
        (("link_like",),),
    ),
    (
        "filter in the query language (words, `assignee:me`, `priority:urgent,high`, "
        "`sla:<2h` ... see *Filters and views*); completion hints under the input, `→` takes "
        "the suggestion, `enter` keeps it, `escape` clears",
        (("filter",),),
    ),
    (
        "views: pick a saved view (`[views.NAME]`, plus mine, unassigned, urgent, sla); "
        "`0`-`9` in the picker pick by number, `0` all tickets; the header names the view",
        (("views",),),
    ),
    (
        "the first five views directly (1-4 set priority)",
        (("view_1", "view_2", "view_3", "view_4", "view_5"),),
    ),
    (
        "sort the focused column: default, sla, waiting, updated, priority, round again; the "
        "column title shows the order (`↑sla`)",
        (("sort",),),
    ),
    (
        "tickets in states no column shows (e.g. waiting on customer), counted in the status bar",
        (("other_states",),),
    ),
    (
        "On Hold grouped by linked issue: state, assignee, accounts, tickets waiting, most "
        "waited first (press again to go back)",
        (("group_by_issue",),),
    ),
    (
        "select or unselect the focused card, then focus the next one down (so `space` `space` "
        "selects two cards in a row); moves, priorities and assign then act on every selected "
        "card",
        (("toggle_select",),),
    ),
    ("clear the selection, then the typed filter, then the view", (("clear",),)),
    ("refresh now (the board also refreshes every 30 s)", (("refresh",),)),
    (
        "settle conflicts: a queued change that met a ticket changed on Pylon, or a reply the "
        "customer wrote past while it waited, waits, counted in the status bar "
        "(`⚑ 1 conflict (c)`), until you press this; no dialog opens by itself, and `escape` "
        "in it leaves the rest for the next press",
        (("conflicts",),),
    ),
    (
        "help: every key ({help_pages} shows the detail screen's and the dialogs'); on the "
        "detail screen too, and in dialogs {dialog_help} (`?` types into a text field, `f1` "
        "never does)",
        (("help",),),
    ),
    (
        "theme: default / high contrast, saved in the config (`[ui] theme`)",
        (("switch_theme",),),
    ),
    (
        "show or hide the detail pane beside the board (terminals 160 columns or wider)",
        (("toggle_pane",),),
    ),
    ("quit", (("quit",),)),
)

# Sentences under the table: (lead, (id, what it does) ...).
README_SCREENS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "In the detail screen",
        (
            ("reply", "reply"),
            ("note", "note"),
            ("link", "link an issue"),
            ("tags", "tags"),
            ("snooze", "snooze"),
            ("copy_link", "copy link"),
            ("conflicts", "conflicts"),
            ("help", "help"),
            ("back", "back"),
        ),
    ),
    ("In any dialog", (("dialog_help", "help, on the page of dialog keys"),)),
    (
        "In a reply or note",
        (
            ("compose_send", "send"),
            ("compose_next_template", "insert the next template (`ctrl+z` undoes)"),
            ("compose_macro", "insert a Pylon macro"),
            ("compose_ai_draft", "ask the AI agent for a draft (replies)"),
            ("dialog_cancel", "close, keeping the draft"),
        ),
    ),
    ("In the tag editor", (("tags_save", "save"), ("dialog_cancel", "cancel"))),
    (
        "Before a custom action with `confirm`",
        (("confirm_yes", "run"), ("dialog_cancel", "cancel")),
    ),
    (
        "In the link dialog",
        (
            ("hold_link", "link"),
            ("dialog_new_issue", "new issue"),
            ("dialog_cancel", "cancel"),
        ),
    ),
    (
        "When the customer wrote while your reply waited",
        (
            ("collision_send", "send as is"),
            ("collision_edit", "edit"),
            ("collision_drop", "drop (the words stay the draft)"),
        ),
    ),
    ("In ready to tell", (("ready_send_all", "send all, each shown first"),)),
    ("In On Hold by issue", (("group_close", "back to the board"),)),
    ("In a new Linear issue", (("create_issue_send", "create"), ("dialog_cancel", "cancel"))),
    (
        "When a queued change meets a changed ticket",
        (
            ("conflict_mine", "apply mine"),
            ("conflict_theirs", "keep the server's"),
            ("conflict_later", "decide later"),
        ),
    ),
)


def readme_key(name: str) -> str:
    """One key as the README shows it: `shift+→`, `?`."""
    label = key_label(name)
    modifiers, _, base = label.rpartition("+")
    shown = _ARROWS.get(base, base)
    return f"`{modifiers}+{shown}`" if modifiers else f"`{shown}`"


def readme_keys(action_id: str) -> str:
    return " ".join(readme_key(k) for k in spec(action_id).keys.split(","))


def _fill(text: str) -> str:
    for s in CATALOG:
        text = text.replace("{" + s.id + "}", readme_keys(s.id))
    return text


def readme_keys_table() -> str:
    lines = ["| Keys | Action |", "| --- | --- |"]
    for text, groups in README_ROWS:
        cell = " / ".join(" ".join(readme_keys(i) for i in group) for group in groups)
        lines.append(f"| {cell} | {_fill(text)} |")
        if groups == (("help",),):
            lines += [f"| `{keys}` | {what[0].lower()}{what[1:]} |" for keys, what in ANYWHERE]
    lines.append("")
    for lead, pairs in README_SCREENS:
        said = ", ".join(f"{readme_keys(i)} {what}" for i, what in pairs)
        lines.append(_wrap(f"{lead}: {said}.", first="- "))
    return "\n".join(lines)


def readme_keys_list() -> str:
    """The `[keys]` names, each once, by where it is bound (as a list item's continuation)."""
    board = [s.id for s in CATALOG if s.scopes[0] is Scope.BOARD]
    shared = [s.id for s in CATALOG if s.scopes[0] is Scope.BOARD and Scope.DETAIL in s.scopes]
    detail = [s.id for s in CATALOG if s.scopes[0] is Scope.DETAIL]
    dialogs = [s.id for s in CATALOG if s.scopes[0] is Scope.DIALOG]

    def names(ids: list[str]) -> str:
        return ", ".join(f"`{i}`" for i in ids)

    text = (
        f"Board: {names(board)}. Detail screen: {names(detail)}, and {names(shared)} "
        f"(one entry remaps both screens). Dialogs: {names(dialogs)}."
    )
    return _wrap(text, first="  ")


def _wrap(text: str, *, first: str) -> str:
    """README paragraphs wrap at 100 columns; a list item's lines continue under its text."""
    return textwrap.fill(
        text,
        width=100,
        initial_indent=first,
        subsequent_indent="  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def between(text: str, markers: tuple[str, str]) -> str:
    start, end = markers
    return text.split(start, 1)[1].split(end, 1)[0].lstrip("\n").rstrip()


def rewrite(text: str) -> str:
    for markers, body in (
        (TABLE_MARKERS, readme_keys_table()),
        (NAMES_MARKERS, readme_keys_list()),
    ):
        start, end = markers
        head, rest = text.split(start, 1)
        old_body, tail = rest.split(end, 1)
        indent = old_body.rpartition("\n")[2]  # the end marker keeps its place in a list item
        text = f"{head}{start}\n{body}\n{indent}{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pylon_tui.tui.catalog")
    parser.add_argument(
        "--readme",
        type=Path,
        nargs="?",
        const=Path("README.md"),
        required=True,
        help="rewrite the keys table and [keys] list of this README in place",
    )
    readme: Path = parser.parse_args(argv).readme
    old = readme.read_text(encoding="utf-8")
    new = rewrite(old)
    if new != old:
        readme.write_text(new, encoding="utf-8")
    print(f"{readme}: {'rewritten' if new != old else 'already matches the catalogue'}")
    return 0
