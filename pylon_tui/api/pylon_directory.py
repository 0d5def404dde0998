"""Single-name look-ups: GET /users/{id} and GET /teams/{id} (Pylon's current API, issue 18).

The board names tickets from the directory lists it loads (GET /users, /teams). GET /users
leaves deactivated users out, so a ticket still assigned to a teammate who left would show a
bare id; the sync layer asks for exactly those ids here. Kept apart from PylonClient's module
so it stays readable; PylonClient mixes this in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pylon_tui.domain import Team, User

from . import wire
from .errors import BadResponseError
from .httpkit import HttpClientBase, guarded
from .pylon_envelope import SERVICE, parsing


class DirectoryLookups(HttpClientBase):
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

    @guarded
    async def user(self, user_id: str) -> User:
        """One user by id, deactivated ones included (they say so: `is_deactivated`)."""
        body = await self._call("user", "GET", f"/users/{quote(user_id, safe='')}")
        with parsing(body):
            user = wire.user_from_json(wire.data_object(body, "user response"))
        if user is None:
            raise BadResponseError("user response has no usable user", service=SERVICE)
        return user

    @guarded
    async def team(self, team_id: str) -> Team:
        body = await self._call("team", "GET", f"/teams/{quote(team_id, safe='')}")
        with parsing(body):
            team = wire.team_from_json(wire.data_object(body, "team response"))
        if team is None:
            raise BadResponseError("team response has no usable team", service=SERVICE)
        return team
