"""HTTP clients for Pylon, Linear and GitHub (httpx + domain only; never the UI or sync)."""

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
