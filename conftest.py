"""Docstring examples in kg/ run under pytest (``--doctest-modules`` in pyproject.toml).

The few that load the spaCy model get the ``model`` marker, like the tests
that do, so ``-m "not model"`` leaves them out.
"""

from __future__ import annotations

import pytest

NEEDS_MODEL = {"kg.api"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.DoctestItem) and any(
            item.name == module or item.name.startswith(f"{module}.") for module in NEEDS_MODEL
        ):
            item.add_marker(pytest.mark.model)
