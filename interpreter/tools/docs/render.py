"""The Jinja2 environment of the documentation templates."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

# A figure as the pages write it: "30 000", "EUR 620 271 800 000", "≈ 927.60", "3.0920 %", an exact
# fraction "54269680511647/1042163413910400". Only one with a space or a slash in it can break.
_FIGURE = re.compile(r"(?<![\w.])(?:≈ )?(?:EUR )?\d+(?: \d{3}(?!\d))*(?:\.\d+)?(?: %)?(?:/\d+)?")


def unbroken(text: str) -> str:
    """Text (HTML or Markdown) with each figure that could break across lines in a span that keeps
    it on one line (ammr.css: .num)."""
    return _FIGURE.sub(lambda m: f'<span class="num">{m.group(0)}</span>' if " " in m.group(0) or "/" in m.group(0)
                       else m.group(0), str(text))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["indent4"] = lambda text: "\n".join(("    " + line) if line else "" for line in str(text).split("\n"))
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    env.filters["unbroken"] = unbroken
    return env


def template(name: str) -> jinja2.Template:
    return _environment().get_template(name)
