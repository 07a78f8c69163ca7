"""How runtime-supplied variable values are read: defaults for missing values, one coercion."""

from __future__ import annotations

from typing import Any

from . import catalog


class VariableTypeError(TypeError):
    """A variable's value does not have the type the catalog declares."""


def coerce_variable(var: catalog.Variable, value: Any) -> Any:
    """Missing/None -> the type's default; a single string for a select variable -> [string]."""
    if value is None:
        return (
            []
            if var.type in (catalog.SELECT, catalog.SELECT_MULTIPLE)
            else catalog.DEFAULTS[var.type]
        )
    if var.type in (catalog.SELECT, catalog.SELECT_MULTIPLE) and isinstance(value, str):
        return [value]
    return value
