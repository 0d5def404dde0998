"""The slice of Linear's schema the sandbox serves, and response projection over it.

Each type maps field name -> object type name (None for scalars). Every entry is checked
against spec/linear-schema.graphql by a test, so a query that works here works on Linear.
Unknown fields are rejected up front like Linear's validator does, before any mutation runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .graphql_mini import Document, Field, flatten

_ISSUE: dict[str, str | None] = {
    "id": None,
    "identifier": None,
    "title": None,
    "description": None,
    "url": None,
    "number": None,
    "priority": None,
    "priorityLabel": None,
    "branchName": None,
    "createdAt": None,
    "updatedAt": None,
    "startedAt": None,
    "completedAt": None,
    "canceledAt": None,
    "archivedAt": None,
    "trashed": None,
    "estimate": None,
    "dueDate": None,
    "labelIds": None,
    "state": "WorkflowState",
    "team": "Team",
    "assignee": "User",
    "creator": "User",
    "relations": "IssueRelationConnection",
    "releases": "ReleaseConnection",
}
_PAGE = {"pageInfo": "PageInfo"}

TYPES: dict[str, dict[str, str | None]] = {
    "Query": {
        "issue": "Issue",
        "issues": "IssueConnection",
        "searchIssues": "IssueSearchPayload",
        "teams": "TeamConnection",
        "team": "Team",
        "viewer": "User",
        "organization": "Organization",
    },
    "Mutation": {"issueCreate": "IssuePayload", "issueUpdate": "IssuePayload"},
    "Issue": _ISSUE,
    "IssueSearchResult": {**_ISSUE, "metadata": None},
    "WorkflowState": {
        "id": None,
        "name": None,
        "type": None,
        "color": None,
        "position": None,
        "description": None,
        "createdAt": None,
        "updatedAt": None,
        "archivedAt": None,
        "team": "Team",
    },
    "Team": {
        "id": None,
        "key": None,
        "name": None,
        "description": None,
        "private": None,
        "createdAt": None,
        "updatedAt": None,
        "archivedAt": None,
        "states": "WorkflowStateConnection",
    },
    "User": {"id": None, "name": None, "displayName": None, "email": None, "active": None},
    "Organization": {"id": None, "name": None, "urlKey": None},
    "IssueConnection": {"nodes": "Issue", **_PAGE},
    "IssueSearchPayload": {"nodes": "IssueSearchResult", "totalCount": None, **_PAGE},
    "TeamConnection": {"nodes": "Team", **_PAGE},
    "WorkflowStateConnection": {"nodes": "WorkflowState", **_PAGE},
    "PageInfo": {
        "hasNextPage": None,
        "hasPreviousPage": None,
        "startCursor": None,
        "endCursor": None,
    },
    "IssuePayload": {"success": None, "lastSyncId": None, "issue": "Issue"},
    "IssueRelationConnection": {"nodes": "IssueRelation", **_PAGE},
    "IssueRelation": {"id": None, "type": None, "issue": "Issue", "relatedIssue": "Issue"},
    "ReleaseConnection": {"nodes": "Release", **_PAGE},
    "Release": {"id": None, "name": None, "slugId": None},
}


def validate(
    selections: list[Any], type_name: str, doc: Document, variables: dict[str, Any]
) -> list[str]:
    """Return validation messages phrased like graphql-js, so clients can match on them."""
    errors: list[str] = []
    fields = TYPES[type_name]
    for fld in flatten(selections, doc, variables, type_name):
        if fld.name == "__typename":
            continue
        if fld.name not in fields:
            errors.append(f'Cannot query field "{fld.name}" on type "{type_name}".')
            continue
        child = fields[fld.name]
        if child is None and fld.selections:
            errors.append(f'Field "{fld.name}" must not have a selection since it is a scalar.')
        elif child is not None and not fld.selections:
            errors.append(
                f'Field "{fld.name}" of type "{child}" must have a selection of subfields.'
            )
        elif child is not None:
            errors.extend(validate(fld.selections, child, doc, variables))
    return errors


def project(
    value: dict[str, Any],
    selections: list[Any],
    type_name: str,
    doc: Document,
    variables: dict[str, Any],
) -> dict[str, Any]:
    """Keep only the requested fields (under their aliases), resolving lazy values."""
    out: dict[str, Any] = {}
    for fld in flatten(selections, doc, variables, type_name):
        if fld.name == "__typename":
            out[fld.key] = type_name
            continue
        child = TYPES[type_name][fld.name]
        raw = value.get(fld.name)
        if callable(raw):
            raw = raw()
        result = _child(raw, fld, child, doc, variables)
        if isinstance(result, dict) and isinstance(out.get(fld.key), dict):
            out[fld.key].update(result)
        else:
            out[fld.key] = result
    return out


def _child(
    raw: Any, fld: Field, child: str | None, doc: Document, variables: dict[str, Any]
) -> Any:
    if child is None or raw is None:
        return raw
    if isinstance(raw, list):
        return [project(item, fld.selections, child, doc, variables) for item in raw]
    return project(raw, fld.selections, child, doc, variables)


Lazy = Callable[[], Any]


class ResolverError(Exception):
    """A field resolver failure, reported in `errors` with data null (HTTP 200)."""

    def __init__(self, message: str, code: str = "INVALID_INPUT", user_message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.user_message = user_message or message
