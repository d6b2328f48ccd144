"""The pydantic models of documents, generated from the `document` and `record` declarations of the
rules: the slow path of reading a document, which says what is wrong and where (documents.py). The
fast path (fastread.py) reads well-formed documents without them, so this module (and pydantic) is
imported only when a document needs it, or for a JSON schema.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    create_model,
)

from ..language import ir
from ..language import syntax as A
from ..language import typesys as T
from .reading import FIRST_YEAR, LAST_YEAR, MAX_DIGITS, too_long

RESERVED = {
    "document": "the document type, e.g. CommissionProposal",
    "id": "the document's own identifier, e.g. 'COM(2025) 123' or a registry number: results name the document "
          "by it (without it, by the SHA-256 of its content), whatever the path of its file",
    "data_years": "the Eurostat reference year used per dataset, e.g. {population: 2024, gdp: 2024}",
    "note": "free text about the document, e.g. that its figures are illustrative",
    "undisclosed": "fields the act contains but whose content is not public, e.g. [pledges]: "
                   "checks that need them report insufficient information instead of absence",
}

# ------------------------------------------------------------------- models

def _no_float(value: Any) -> Any:
    """A figure as the document wrote it: an int, a Decimal, or a string of plain ASCII digits."""
    if isinstance(value, float):
        raise ValueError("give the amount as an exact number or a string, not a floating-point value")
    if isinstance(value, str):
        value = _decimal(value)
    return _within_reach(value)


def _within_reach(value: Any) -> Any:
    """At most MAX_DIGITS digits, and finite: a longer figure is a typing accident (see reading.py)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return value
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError("expected a number")
    if too_long(number):
        raise ValueError(f"a figure of more than {MAX_DIGITS} digits\n"
                         "figures of the Regulation have a few digits: is a digit repeated?")
    return value


_DECIMAL = re.compile(r"[-+]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][-+]?\d+)?")     # no leading zero, as in YAML


def _decimal(text: str) -> Decimal:
    """A number written in a string, read only as a person reads it: Python would also take
    Arabic-Indic or full-width digits, `_` separators and `Infinity`; none of them is a figure here."""
    text = text.strip()
    foreign = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if foreign is not None:
        raise ValueError(f"'{text[:40]}' has the digit '{foreign}' ({unicodedata.name(foreign, 'not 0-9')})\n"
                         "write figures with the digits 0-9")
    if re.fullmatch(r"[-+]?0\d+(\.\d*)?", text):
        raise ValueError(f"'{text[:40]}' has a leading zero\nwrite {text.lstrip('+-').lstrip('0') or '0'}: "
                         "a figure with a leading zero is octal to some readers")
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"'{text[:40]}' is not a number\nwrite digits only, with a dot before decimals, "
                         "e.g. 600000000 or 1234.50")
    return Decimal(text)


def _money(value: Any) -> Any:
    """EUR, exact to the cent: three decimals written are refused even when they are zeros, since
    `30.000` may be thirty thousand with a dot between the thousands."""
    value = _no_float(value)
    if isinstance(value, Decimal) and value.is_finite() and int(value.as_tuple().exponent) < -2:
        # 30.000, 1.500: thousands, as many countries write them
        thousands = int(value.as_tuple().exponent) == -3 and abs(value) < 1000
        raise ValueError(f"{value} has more than two decimals\n" + (
            f"if the dot separates thousands, write {value.scaleb(3):f}; amounts in EUR have at most two decimals"
            if thousands else "amounts in EUR have at most two decimals"))
    return value


def _to_fraction(value: Any) -> Fraction:
    """A number: '1/3', 0.25 or '25 %', each part within MAX_DIGITS digits."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    if isinstance(value, (int, Decimal)):
        share = Fraction(_within_reach(value))
    elif isinstance(value, Fraction):
        share = Fraction(_within_reach(value.numerator), _within_reach(value.denominator))
    elif isinstance(value, str):
        share = _share_text(value)
    else:
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    return share


def _to_share(value: Any) -> Fraction:
    """A share: a number from 0 to 1 (0 % to 100 %)."""
    share = _to_fraction(value)
    if not 0 <= share <= 1:
        raise ValueError(f"a share is from 0 % to 100 %, not {_percent_words(share)}\n"
                         "write a share such as 1/3, 0.25 or 25 %")
    return share


def _share_text(text: str) -> Fraction:
    text = text.strip()
    if text.endswith("%"):
        return Fraction(_within_reach(_decimal(text[:-1]))) / 100
    numerator, slash, denominator = text.partition("/")
    if not slash:
        return Fraction(_within_reach(_decimal(text)))
    top, bottom = (_within_reach(_decimal(part)) for part in (numerator, denominator))
    if not (isinstance(top, Decimal) and isinstance(bottom, Decimal) and top == top.to_integral_value()
            and bottom == bottom.to_integral_value()):
        raise ValueError("expected a share such as 1/3, 0.25 or 25 %")
    if bottom == 0:
        raise ValueError("a share of x/0 is not a number")
    return Fraction(int(top), int(bottom))


def _percent_words(share: Fraction) -> str:
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator} %"
    return f"about {Decimal(percent.numerator) / Decimal(percent.denominator):.4g} %"


def _date(value: Any) -> date:
    """Written YYYY-MM-DD (a date in YAML, a string in JSON), from FIRST_YEAR to LAST_YEAR: pydantic
    alone would also take 0 (1 January 1970), a time stamp, or 9999-12-31, whose next day does not exist."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value.strip()}' is not a date in the calendar\nwrite dates as YYYY-MM-DD") from None
    if not isinstance(value, date) or isinstance(value, datetime):
        shown = f"'{value[:40]}'" if isinstance(value, str) else str(value)[:40]
        raise ValueError(f"{shown} is not a date\nwrite dates as YYYY-MM-DD, e.g. 2025-10-15")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is not a year from {FIRST_YEAR} to {LAST_YEAR}\n"
                         "a date of the Regulation's procedures lies within these years")
    return value


Persons = Annotated[StrictInt, Field(ge=0, description="a whole number of persons"), BeforeValidator(_within_reach)]
Money = Annotated[Decimal, BeforeValidator(_money),
                  Field(ge=0, decimal_places=2, description="an amount in EUR, at most two decimals"),
                  # stated here rather than left to pydantic, whose rendering of Decimal varies by version
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0},
                                            {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}],
                                  "description": "an amount in EUR, at most two decimals; "
                                                 "a string keeps decimals exact"})]
Share = Annotated[Fraction, BeforeValidator(_to_share),
                  WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(%|/\s*\d+)?\s*$"},
                                            {"type": "integer", "minimum": 0, "maximum": 1}],
                                  "description": "a share from 0 to 1: '1/3', '0.25' or '25 %'"})]
Number = Annotated[Fraction, BeforeValidator(_to_fraction),
                   WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*(%|/\s*\d+)?\s*$"},
                                             {"type": "integer"}],
                                   "description": "a number: '1/3', '0.25' or '25 %'"})]
Year = Annotated[StrictInt, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Day = Annotated[date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class Models:
    """One pydantic model per declared document and record type, made when first needed (making
    them all takes a tenth of a command's start-up; checking one document needs a few)."""

    def __init__(self, structs: dict[str, ir.StructSpec], member_states: tuple[str, ...]):
        self.structs = structs
        self.member_states = member_states
        self._code = Literal[tuple(member_states)] if member_states else StrictStr
        self.models: dict[str, type[BaseModel]] = {}          # those made so far

    def model(self, name: str) -> type[BaseModel]:
        return self._model(name)

    def _model(self, name: str) -> type[BaseModel]:
        if name in self.models:
            return self.models[name]
        spec = self.structs[name]
        fields = {}
        for fname, fspec in spec.fields.items():
            annotation = self._annotation(fspec.type, fspec.decl.type) | None
            extra: dict[str, Any] = {}
            if fspec.decl.default is not None:
                extra["x-default-in-rules"] = self._default_text(fspec)
            fields[fname] = (annotation, Field(default=None, description=fspec.decl.description or None,
                                               json_schema_extra=extra or None))
        model = create_model(name, __base__=_Base, __doc__=spec.decl.description or name,
                             **fields)  # type: ignore[call-overload]  # the fields are made from the rules
        self.models[name] = model
        return model

    def _default_text(self, fspec: ir.FieldSpec) -> str:
        node = fspec.default
        return getattr(node, "text", "") or str(getattr(node, "value", ""))

    def _annotation(self, t: T.Type, declared: A.TypeExpr | None = None) -> Any:
        """The pydantic type of a field of type `t`, as the rules wrote it (`declared`: a `share` lies
        between 0 and 1, a `number` need not, though both are plain numbers to the type system)."""
        if isinstance(t, T.Quantity):
            if t.dim == T.PERSONS.dim:
                return Persons
            if t.dim == T.EUR.dim:
                return Money
            if not t.dim:
                return Share if isinstance(declared, A.SimpleType) and declared.name == "share" else Number
            return Annotated[Decimal, BeforeValidator(_no_float)]
        if t == T.DATE:
            return Day
        if t == T.YEAR:
            return Year
        if t == T.BOOL:
            return StrictBool
        if t == T.TEXT:
            return StrictStr
        if t == T.MEMBER_STATE:
            return self._code
        if isinstance(t, T.Table):
            value = declared.value if isinstance(declared, A.TableType) else None
            return dict[self._code, self._annotation(t.value, value) | None]  # type: ignore[misc,name-defined]
        if isinstance(t, T.List):
            item = declared.item if isinstance(declared, A.ListType) else None
            return list[self._annotation(t.item, item)]  # type: ignore[misc]  # a type made at run time
        if isinstance(t, T.Record):
            return self._model(t.name)
        return Any

    def schema(self, name: str) -> dict:
        model = self._model(name)
        schema = model.model_json_schema()
        if self.structs[name].is_document:
            props = {"document": {"const": name, "description": RESERVED["document"]},
                     "id": {"type": "string", "pattern": "^[^#\\r\\n\\t]{1,200}$", "description": RESERVED["id"]},
                     "data_years": {"type": "object", "additionalProperties": {"type": "integer"},
                                    "description": RESERVED["data_years"]},
                     "note": {"type": "string", "description": RESERVED["note"]},
                     "undisclosed": {"type": "array", "items": {"type": "string"},
                                     "description": RESERVED["undisclosed"]}}
            schema["properties"] = {**props, **schema.get("properties", {})}
            schema["required"] = ["document"]
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        return schema
