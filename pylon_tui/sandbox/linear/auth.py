"""Which Authorization header Linear takes for a key, as strictly as Linear does.

A personal API key goes as it is: Linear refuses `Bearer lin_api_...`. An OAuth access token
(`lin_oauth_...`) goes as `Bearer <token>`. Accepting either form for either key would let a
client that gets this wrong pass every test and fail on the first real workspace.
"""

from __future__ import annotations

OAUTH_PREFIX = "lin_oauth_"


def accepts(header: str, key: str) -> bool:
    value = header.strip()
    if key.startswith(OAUTH_PREFIX):
        scheme, _, token = value.partition(" ")
        return scheme.lower() == "bearer" and token.strip() == key
    return value == key


def refusal_hint(header: str, key: str) -> str:
    """What the 401 adds, so a developer sees which rule was broken."""
    bearer = header.strip().lower().startswith("bearer ")
    if key.startswith(OAUTH_PREFIX) and not bearer:
        return " (OAuth access tokens are sent as Bearer <token>)"
    if bearer and not key.startswith(OAUTH_PREFIX):
        return " (personal API keys are sent without the Bearer prefix)"
    return ""
