"""Which Pylon region a workspace lives in, as far as a token or a server message tells.

Pylon runs two hosts, and a token works on one of them only: the other answers 401 with the
code `wrong_region_token`. Pylon's authentication docs give the tokens a region prefix
(`pylon_api_eu_` for EU, `pylon_api_` for US); some integrations say a token tells nothing,
so a token without a known prefix is "unknown" and the configured region is kept. Only the
prefix is ever looked at here: nothing returns or repeats the token itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGION_HOSTS = {"us": "api.usepylon.com", "eu": "api.eu.usepylon.com"}
REGION_NAMES = {"us": "US", "eu": "EU"}
TOKEN_PREFIXES = (("eu", "pylon_api_eu_"), ("us", "pylon_api_"))
"""Longest first: an EU token also starts with the US prefix."""

_HOST = re.compile(r"(?i)\bapi\.(eu\.)?usepylon\.com\b")


def token_region(token: str | None) -> str | None:
    """The region ("eu"/"us") the token's documented prefix names; None when it has neither."""
    if not token:
        return None
    return next((region for region, prefix in TOKEN_PREFIXES if token.startswith(prefix)), None)


def region_named_in(text: str) -> str | None:
    """The region whose API host a server message names ("... use https://api.eu.usepylon.com")."""
    found = _HOST.search(text)
    if found is None:
        return None
    return "eu" if found.group(1) else "us"


def region_of_url(url: str) -> str | None:
    """The region of `url` when it is one of Pylon's two API hosts; None for a proxy or the
    sandbox."""
    found = re.fullmatch(r"(?i)https?://api\.(eu\.)?usepylon\.com(?::443)?/*", url.strip())
    if found is None:
        return None
    return "eu" if found.group(1) else "us"


def prefix_of(region: str) -> str:
    return dict(TOKEN_PREFIXES)[region]


def token_kind(region: str) -> str:
    """The phrase "an EU token" / "a US token", for messages."""
    return {"eu": "an EU token", "us": "a US token"}[region]


@dataclass(frozen=True, slots=True)
class RegionChoice:
    """The region a session talks to, and a note when the config said otherwise."""

    region: str
    """The region in use: the token's, when its prefix names one and no base_url overrides."""
    from_token: str | None
    """What the token's prefix says (None: no known prefix)."""
    note: str = ""
    """One line for the user when the config and the token disagree; empty when they agree."""

    @property
    def agrees(self) -> bool:
        return not self.note


def choose_region(
    configured: str, said: str | None, *, base_url: str | None = None
) -> RegionChoice:
    """Follow what the token's prefix `said` (see token_region) over `pylon.region`, since a
    token works in its own region only, and say so; with an explicit base_url (a proxy, the
    sandbox) the URL wins and only a Pylon host that contradicts the token is worth a note."""
    if base_url:
        host_region = region_of_url(base_url)
        if said and host_region and host_region != said:
            return RegionChoice(
                host_region,
                said,
                f"pylon.base_url is the {REGION_NAMES[host_region]} host but the token is "
                f"{token_kind(said)} (it starts {prefix_of(said)}): Pylon will answer "
                f"wrong_region_token; set base_url to https://{REGION_HOSTS[said]} or remove it",
            )
        return RegionChoice(host_region or configured, said)
    if said is None or said == configured:
        return RegionChoice(configured, said)
    return RegionChoice(
        said,
        said,
        f"pylon.region is {configured!r} but the token is {token_kind(said)} (it "
        f"starts {prefix_of(said)}): using https://{REGION_HOSTS[said]}; set "
        f"pylon.region = {said!r} in config.toml to match",
    )
