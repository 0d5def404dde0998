"""`python -m pylon_tui.tui.catalog --readme`: write the README's keys blocks from the catalogue."""

from __future__ import annotations

from .readme import main

raise SystemExit(main())
