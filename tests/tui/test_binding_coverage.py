"""Every board binding is listed in help and pressed by at least one Pilot test."""

from __future__ import annotations

import pytest

from pylon_tui.tui.catalog import Scope, board_bindings, help_groups
from pylon_tui.tui.modals.help import help_binding_ids

from . import (
    test_app,
    test_background_trust,
    test_filter_focus,
    test_find,
    test_layout,
    test_linked_flows,
    test_moves,
    test_navigation,
    test_tickets,
    test_triage_core,
    test_triage_tools,
)
from .fakes import EXERCISED

TEST_MODULES = (
    test_app,
    test_background_trust,
    test_filter_focus,
    test_find,
    test_linked_flows,
    test_layout,
    test_moves,
    test_navigation,
    test_tickets,
    test_triage_tools,
    test_triage_core,
)


def test_every_binding_is_in_a_help_group():
    ids = [str(b.id) for b in board_bindings()]
    grouped = [spec.id for _, group in help_groups(Scope.BOARD) for spec in group]
    assert len(ids) == len(set(ids)), "binding ids must be unique"
    assert sorted(grouped) == sorted(ids)


def test_exercised_ids_are_real_bindings():
    assert TEST_MODULES  # importing them fills EXERCISED
    unknown = set(EXERCISED) - {b.id for b in board_bindings()}
    assert not unknown


@pytest.mark.parametrize("binding_id", help_binding_ids())
def test_binding_has_a_pilot_test(binding_id: str):
    assert EXERCISED.get(binding_id), f"no Pilot test presses the keys of {binding_id!r}"
