"""HTTP clients for Pylon, Linear and GitHub (httpx + domain only; never the UI or sync).

The names load with the module that defines them, when first used: importing one
submodule (the store, the errors) must not import them all, or the board's first frame
waits for every client and httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylon_tui.lazy import lazy_names

if TYPE_CHECKING:
    from .budget import RateBudget
    from .errors import (
        ApiError,
        AuthError,
        BadResponseError,
        NetworkError,
        NotFoundError,
        RateLimitedError,
        RequestError,
        ServerError,
    )
    from .github import GitHubClient, GitHubRefError, parse_github_ref
    from .linear import LinearClient, LinearRefError, LinearTeam, parse_linear_ref
    from .pylon import PylonClient
    from .wire import CustomField, Organisation, PriorityOptions, SelectOption

_HOME = {
    "ApiError": "errors",
    "AuthError": "errors",
    "BadResponseError": "errors",
    "CustomField": "wire",
    "GitHubClient": "github",
    "GitHubRefError": "github",
    "LinearClient": "linear",
    "LinearRefError": "linear",
    "LinearTeam": "linear",
    "NetworkError": "errors",
    "NotFoundError": "errors",
    "Organisation": "wire",
    "PriorityOptions": "wire",
    "PylonClient": "pylon",
    "RateBudget": "budget",
    "RateLimitedError": "errors",
    "RequestError": "errors",
    "SelectOption": "wire",
    "ServerError": "errors",
    "parse_github_ref": "github",
    "parse_linear_ref": "linear",
}


__getattr__ = lazy_names(__name__, _HOME)

__all__ = [
    "ApiError",
    "AuthError",
    "BadResponseError",
    "CustomField",
    "GitHubClient",
    "GitHubRefError",
    "LinearClient",
    "LinearRefError",
    "LinearTeam",
    "NetworkError",
    "NotFoundError",
    "Organisation",
    "PriorityOptions",
    "PylonClient",
    "RateBudget",
    "RateLimitedError",
    "RequestError",
    "SelectOption",
    "ServerError",
    "parse_github_ref",
    "parse_linear_ref",
]
