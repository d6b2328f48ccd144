"""Limits on what a request may hold: its size in bytes (before it is read whole) and the
nesting of the documents in it (before they are validated)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .store import Refused


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body larger than `max_body` bytes is answered 413, whether it
    says its length or not."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await self._refuse(send)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = json.dumps({"error": {"status": 413, "message": f"the request is larger than {self.max_body} bytes"}})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})


def depth(value: Any) -> int:
    """How deeply lists and mappings nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json(body: bytes, max_depth: int) -> Any:
    """The request's JSON, refused with a clear message when it is not JSON or nests too deeply.
    Numbers with a fraction stay floats here, so that a document's validation refuses them as
    `ammr check` does (an exact amount is written as a string)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8 text") from None
    except RecursionError:
        raise Refused(422, f"the documents nest more than {max_depth} levels deep") from None
    except json.JSONDecodeError as error:
        raise Refused(400, f"the request body is not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}") from None
    if depth(data) > max_depth:
        raise Refused(422, f"the documents nest more than {max_depth} levels deep")
    return data
