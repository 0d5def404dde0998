"""`[views.NAME]` and `[sla]`: saved views in the query language, and the team's
first-response target (Pylon's API gives no first-response deadline, see domain/sla.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pylon_tui.domain.filters import View
from pylon_tui.domain.query import QueryError, parse, parse_duration
from pylon_tui.domain.sorting import SortOrder

from .reader import Reader, describe, key_text

VIEW_KEYS: tuple[str, ...] = ("filter", "sort", "label")
SLA_KEYS: tuple[str, ...] = ("first_response",)
_VIEW_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def parse_views(raw: Mapping[str, Any], reader: Reader) -> tuple[View, ...]:
    views = []
    for name, table in reader.table(raw, "views").items():
        where = f"views.{key_text(name)}"
        if not isinstance(table, dict):
            raise reader.error(where, f"must be a table [{where}] (got {describe(table)})")
        if not _VIEW_NAME.fullmatch(name):
            raise reader.error(where, "needs a name of letters, digits, - and _ (up to 40)")
        reader.check_keys(table, VIEW_KEYS, where)
        text = reader.string(table, "filter", f"{where}.filter") or ""
        try:
            query = parse(text)
        except QueryError as error:
            raise reader.error(f"{where}.filter", f"does not parse: {error.message}") from None
        sort_text = reader.string(table, "sort", f"{where}.sort") or "default"
        try:
            sort = SortOrder.parse(sort_text)
        except ValueError as error:
            raise reader.error(f"{where}.sort", f"is wrong: {error}") from None
        label = reader.string(table, "label", f"{where}.label") or ""
        views.append(View(name, query, sort, label=label[:40]))
    return tuple(views)


def parse_first_response(raw: Mapping[str, Any], reader: Reader) -> timedelta | None:
    table = reader.table(raw, "sla")
    reader.check_keys(table, SLA_KEYS, "sla")
    text = reader.string(table, "first_response", "sla.first_response")
    if text is None:
        return None
    amount = parse_duration(text)
    if amount is None or amount <= timedelta(0):
        raise reader.error(
            "sla.first_response", f'must be a time like "30m", "2h" or "1d" (got {text!r})'
        )
    return amount
