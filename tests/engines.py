"""Comparing the verdicts and traces of two engines exactly (used by the compile and sweep tests)."""

from __future__ import annotations

import dataclasses
from typing import Any

from interpreter.trace import Missing


def plain(value: Any) -> Any:
    """A structure equal for equal outcomes: dataclasses as tuples of their fields, Missing by
    what is missing (two Missing objects are never ==), and every number with its type, so
    that an int where the reference has a Fraction counts as a difference."""
    if isinstance(value, Missing):
        return ("Missing", tuple(sorted(value.paths)), value.unknown)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple((f.name, plain(getattr(value, f.name)))
                                               for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if isinstance(value, (int, float)) or type(value).__name__ == "Fraction":
        return (type(value).__name__, value)
    return value


def differences(a, b, path: str = "") -> list[str]:
    """Where two plain() structures differ, for a readable failure message."""
    if a == b:
        return []
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(differences(x, y, f"{path}[{i}]"))
        return out
    return [f"{path}: {a!r} != {b!r}"]


def compare(reference, compiled) -> list[str]:
    return differences(plain(reference.outcomes), plain(compiled.outcomes))
