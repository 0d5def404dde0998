"""Macros, org tags and AI drafts from Pylon's JSON, shaped as the `usepylon` SDK names
them (`Macro`, `MacroAction`, `Tag`, `CreateIssueAIResponseResponseBody`).

Pylon's `MacroAction` documents only `type`; the value an action sets is read from extra
fields when the server sends any (`value`/`values`, or the field's own name), and left
unknown otherwise, so the board never applies a guess.
"""

from __future__ import annotations

from pylon_tui.domain.macros import Macro, MacroAction, OrgTag

from .wire import _bad, _str, as_object, clean_text

_ONE_VALUE_KEYS = ("value", "state", "priority", "assignee_id", "user_id")
_LIST_KEYS = ("values", "tags")


def macro_from_json(obj: object) -> Macro | None:
    macro = as_object(obj, "macro")
    macro_id, name = _str(macro, "id"), _str(macro, "name")
    if macro_id is None or name is None:
        return None
    raw_actions = macro.get("actions")
    actions = (
        tuple(a for a in (_action(x) for x in raw_actions) if a is not None)
        if isinstance(raw_actions, list)
        else ()
    )
    return Macro(
        macro_id,
        name,
        _str(macro, "text_html") or "",
        (_str(macro, "text_type") or "reply").lower(),
        actions,
    )


def _action(obj: object) -> MacroAction | None:
    if not isinstance(obj, dict):
        return None
    kind = _str(obj, "type")
    if kind is None:
        return None
    value: str | None = None
    for key in _ONE_VALUE_KEYS:
        found = obj.get(key)
        if isinstance(found, str):
            value = clean_text(found)
            break
    values: tuple[str, ...] | None = None
    for key in _LIST_KEYS:
        found = obj.get(key)
        if isinstance(found, list) and all(isinstance(v, str) for v in found):
            values = tuple(clean_text(v) for v in found)
            break
    return MacroAction(clean_text(kind), value, values)


def tag_from_json(obj: object) -> OrgTag | None:
    """An issue tag (tags of accounts and articles are other lists)."""
    tag = as_object(obj, "tag")
    value = _str(tag, "value")
    object_type = _str(tag, "object_type")
    if value is None or (object_type is not None and object_type != "issue"):
        return None
    return OrgTag(value, _str(tag, "hex_color"))


def ai_draft_from_json(body: object) -> tuple[str, bool]:
    """(response_html, response_valid): top-level fields, not under `data`."""
    answer = as_object(body, "AI response")
    html = answer.get("response_html")
    valid = answer.get("response_valid")
    if not isinstance(html, str):
        raise _bad("AI response", "field 'response_html' is missing or not a string")
    return clean_text(html), valid is not False
