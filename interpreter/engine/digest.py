"""SHA-256 digests that identify what a verdict depends on: a document's content, and the files of a
rule set (rules, law text, reference data, calendar), so that a stored result can say exactly which
inputs and which rules gave it, and `ammr verify` can tell when either has changed.

A document is hashed by its content, not its bytes: the canonical JSON of the values read from it
(keys sorted, no spaces, UTF-8; numbers as written; dates as YYYY-MM-DD). The same document gives
the same digest whether it was written as YAML or JSON, with or without comments, read from a file
or sent to the portal. A rule set is hashed as `sha256sum` would list its files: one line
"<sha256 of the file>  <path in the rules folder>" per file, in path order, and one SHA-256 over
that listing.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any


def canonical_json(value: Any) -> str:
    """The value as canonical JSON text: what a document's digest is taken over."""
    if _plain(value):
        return _ENCODER.encode(value)
    return _canonical(value)


def _canonical(value: Any) -> str:
    kind = type(value)                    # the common exact types first: a document is read on every check
    if kind is str:
        return _string(value)
    if kind is int:
        return str(value)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{_string(k)}:{_canonical(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # a number keeps its digits as written; one JSON cannot write (NaN, infinity) is text
        return str(value) if value.is_finite() else _string(str(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else _string(repr(value))
    if isinstance(value, (date, datetime)):
        return _string(value.isoformat())
    return _string(str(value))


# a string as json.dumps(text, ensure_ascii=False) writes it: the function it calls, without its checks of the options
_string = json.encoder.encode_basestring

# For the values _plain lets through, the standard library's C encoder writes the text _canonical
# writes, in a third of the time: keys sorted (all strings, so sorted as _canonical sorts them),
# strings by the same function, ints, true/false/null, and dates by `default`. Most documents are
# of these, and a document is hashed on every check.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                            default=lambda v: v.isoformat())
_PLAIN_TYPES = frozenset({str, int, bool, type(None), date, datetime})
_PLAIN_NODES = 1_000_000                    # past it (a cycle, say), _canonical decides, as before


def _plain(value: Any) -> bool:
    """Only dicts with string keys, lists, tuples, strings, ints, booleans, None and dates, exactly."""
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        kind = type(item)
        count += 1
        if count > _PLAIN_NODES:
            return False
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind not in _PLAIN_TYPES:
            return False
    return True


def json_sha256(text: str) -> str:
    """The digest of a value's canonical JSON text (canonical_json)."""
    # a lone surrogate (from a JSON escape such as "\ud800") has no UTF-8 form: kept as its code unit
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """The files of a rule set, each with its SHA-256, and one SHA-256 over their listing."""
    files: tuple[tuple[str, str], ...]         # (path in the rules folder, sha256), in path order

    @property
    def listing(self) -> str:
        return "".join(f"{digest}  {path}\n" for path, digest in self.files)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.listing.encode("utf-8")).hexdigest()

    def changes(self, other: dict[str, str]) -> list[str]:
        """What differs from another listing ({path: sha256}), one phrase per file."""
        mine = dict(self.files)
        out = [f"{path} changed" for path in sorted(mine.keys() & other.keys()) if mine[path] != other[path]]
        out += [f"{path} added" for path in sorted(mine.keys() - other.keys())]
        out += [f"{path} removed" for path in sorted(other.keys() - mine.keys())]
        return out


def fingerprint(directory: Path, files: list[Path]) -> Fingerprint:
    """The fingerprint of the files, named by their path in `directory` (or as given, for a file
    outside it)."""
    return Fingerprint(tuple(sorted((name_in(directory, path), file_sha256(path)) for path in files)))


def name_in(directory: Path, path: Path) -> str:
    """A file's path in the rules folder, as the listing names it ("data/official-holidays.csv")."""
    resolved = path.resolve()
    root = directory.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else path.as_posix()
