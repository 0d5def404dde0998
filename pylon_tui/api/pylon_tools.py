"""The triage tools' Pylon calls: macros, tags, snooze and AI drafts (issue 14).

A mixin of PylonClient, kept apart so the client's core (search, writes, thread) stays
readable; every call goes through the same budgeted `_call` and error boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pylon_tui.domain import Ticket
from pylon_tui.domain.macros import Macro, OrgTag

from . import bodies, wire
from .httpkit import HttpClientBase, guarded
from .pylon_envelope import parsed_list, parsing
from .wire_tools import ai_draft_from_json, macro_from_json, tag_from_json


class PylonTools(HttpClientBase):
    if TYPE_CHECKING:

        async def _call(
            self,
            key: str,
            method: str,
            path: str,
            *,
            json: Mapping[str, Any] | None = None,
            params: Mapping[str, str | int] | None = None,
        ) -> object: ...

        async def _write(
            self, issue_id: str, key: str, path: str, body: wire.JsonObj
        ) -> Ticket: ...

    @guarded
    async def macros(self) -> list[Macro]:
        """Every macro this token may see (GET /macros; unusable entries are skipped)."""
        return parsed_list(await self._call("macros", "GET", "/macros"), macro_from_json, "macros")

    @guarded
    async def tags(self) -> list[OrgTag]:
        """The organization's issue tags (GET /tags), for the tag picker."""
        return parsed_list(await self._call("tags", "GET", "/tags"), tag_from_json, "tags")

    @guarded
    async def set_tags(self, issue_id: str, tags: Sequence[str]) -> Ticket:
        """PATCH the exact list (Pylon replaces the whole set)."""
        path = f"/issues/{_seg(issue_id)}"
        return await self._write(issue_id, "update_issue", path, bodies.tags_body(tags))

    @guarded
    async def snooze(self, issue_id: str, until: datetime) -> Ticket:
        path = f"/issues/{_seg(issue_id)}/snooze"
        return await self._write(issue_id, "snooze", path, bodies.snooze_body(until))

    @guarded
    async def ai_draft(self, issue_id: str, agent_id: str) -> tuple[str, bool]:
        """Ask the AI agent for a reply draft: (html, whether the AI could answer). Pylon
        posts nothing (`post_as_internal_note` is false); the text is only returned."""
        payload = bodies.ai_response_body(agent_id)
        path = f"/issues/{_seg(issue_id)}/ai-response"
        body = await self._call("ai_response", "POST", path, json=payload)
        with parsing(body):
            return ai_draft_from_json(body)


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")
