"""One text-cleaning rule for every request: no control characters in the text we are sent.

PostgreSQL refuses a NUL byte in any text column (a 500 before this rule), and no field of
ours wants the other C0 controls, DEL or a lone UTF-16 surrogate (which no database can
encode). Tab, line feed and carriage return stay: text areas send them. The rule names the
first field that breaks it; the middleware answers 400 with that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# C0 controls but \t \n \r, DEL, and the surrogate range (only lone ones reach Python).
DISALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def is_clean(text: str) -> bool:
    return DISALLOWED.search(text) is None


def shown(name: str) -> str:
    """A field name fit to show back: its disallowed characters as U+FFFD."""
    return DISALLOWED.sub("\ufffd", name)[:100]


def first_bad_param(items: Iterable[tuple[str, list[str]]]) -> str | None:
    """The first parameter (of a QueryDict's lists()) whose name or a value is not clean."""
    for name, values in items:
        if not is_clean(name) or any(isinstance(v, str) and not is_clean(v) for v in values):
            return shown(name)
    return None


def first_bad_json(value: Any, path: str = "") -> str | None:
    """The dotted path of the first JSON string (key or value) that is not clean.

    `path` is the field path so far; "" at the top, which is named "body".
    """
    if isinstance(value, str):
        return None if is_clean(value) else (path or "body")
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{shown(str(key))}" if path else shown(str(key))
            if not is_clean(str(key)):
                return here
            found = first_bad_json(item, here)
            if found:
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = first_bad_json(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None
