"""Every GraphQL document LinearClient sends must validate against Linear's published schema."""

from __future__ import annotations

from functools import cache

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

from pylon_tui.api import linear_queries

from .support import spec_file


@cache
def schema() -> GraphQLSchema:
    return build_schema(spec_file("linear-schema.graphql").read_text())


@pytest.mark.parametrize(("name", "document"), sorted(linear_queries.ALL_DOCUMENTS.items()))
def test_document_validates_against_the_schema(name, document):
    ast = parse(document)
    errors = validate(schema(), ast)
    assert not errors, "\n".join(e.message for e in errors)
    (operation,) = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    assert operation.name is not None
    assert operation.name.value == name


def test_every_document_constant_is_listed():
    constants = {
        value
        for key, value in vars(linear_queries).items()
        if key.isupper() and isinstance(value, str) and ("query " in value or "mutation " in value)
    }
    assert constants == set(linear_queries.ALL_DOCUMENTS.values())


def test_a_wrong_document_would_fail():
    """Guards the guard: validation really checks field names against the schema."""
    errors = validate(schema(), parse('query X { issue(id: "a") { noSuchField } }'))
    assert errors
