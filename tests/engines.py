"""Comparing the verdicts and traces of two engines exactly (used by the compile and sweep tests)."""

from __future__ import annotations

import dataclasses
from typing import Any

from interpreter import Missing


def plain(value: Any, seen: dict | None = None) -> Any:
    """A structure equal for equal outcomes: dataclasses as tuples of their fields, Missing by
    what is missing (two Missing objects are never ==), and every number with its type, so
    that an int where the reference has a Fraction counts as a difference."""
    if isinstance(value, Missing):
        return ("Missing", tuple(sorted(value.paths)), value.unknown)
    if isinstance(value, (int, float)) or type(value).__name__ == "Fraction":
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        seen = {} if seen is None else seen       # a trace shares steps: flatten each once
        key = id(value)
        if key not in seen:
            if isinstance(value, (list, tuple)):
                seen[key] = (value, tuple(plain(v, seen) for v in value))
            else:
                seen[key] = (value, (type(value).__name__,) + tuple(
                    (f.name, plain(getattr(value, f.name), seen)) for f in dataclasses.fields(value)))
        return seen[key][1]
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
    a, b = plain(reference.outcomes), plain(compiled.outcomes)
    return [] if a == b else differences(a, b)
