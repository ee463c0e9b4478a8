"""The registry of messages: a code, a lazy subject and text with %(name)s placeholders.

Apps register their messages at import (e.g. in AppConfig.ready()):

    register(
        "evaluation.sheet_submitted",
        _("Sheet submitted: %(servant)s"),
        _("%(servant)s submitted the evaluation sheet for %(period)s."),
    )

`render` formats them in the recipient's language when the notification is queued.
A value that reads differently by language (a person's or a body's name, a period's
title, a translated label) goes into the context lazily, `localized(schedule, "title")` or
`gettext_lazy(...)`, so it too is read in the recipient's language, not in that of whoever
triggered the notice (methodology.md §2). Never put the answers of a 360 evaluation or
their scores in a message context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Message:
    kind: str
    subject: Promise | str
    text: Promise | str


_REGISTRY: dict[str, Message] = {}


class UnknownMessage(LookupError):
    """A notification kind that nobody registered (a programming error)."""


def register(kind: str, subject: Promise | str, text: Promise | str) -> Message:
    """Register (or replace) the message `kind`; returns it."""
    if not kind or len(kind) > 64:
        raise ValueError(f"a message kind has 1-64 characters, got {kind!r}")
    message = Message(kind, subject, text)
    _REGISTRY[kind] = message
    return message


def get(kind: str) -> Message:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise UnknownMessage(f"no message is registered as {kind!r}") from None


def is_registered(kind: str) -> bool:
    return kind in _REGISTRY


def localized(obj: object, attribute: str) -> Promise:
    """`obj.attribute` read when the message is rendered, in the recipient's language.

    For the values that follow the active language: `Servant.full_name`, `StateBody.name`,
    `Unit.name`, `Schedule.title`... Read at queue time, once per recipient language.
    """
    return cast(Promise, lazy(lambda: str(getattr(obj, attribute)), str)())


def templates(kind: str, language: str) -> tuple[str, str]:
    """The subject and text of `kind` translated into `language`, placeholders unfilled."""
    message = get(kind)
    with translation.override(language):
        return str(message.subject), str(message.text)


def fill(templates_: tuple[str, str], context: Mapping[str, Any]) -> tuple[str, str]:
    """Fill the placeholders; the subject is folded onto one line (it becomes a header)."""
    subject, text = templates_
    subject = subject % context if context else subject
    text = text % context if context else text
    return " ".join(subject.split())[:255], text


def render(kind: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(subject, text) of `kind` in `language` with `context` filled in.

    Context values are formatted under the same language, so lazy strings in the context
    (a translated status, say) come out in the recipient's language too.
    """
    with translation.override(language):
        values = {k: str(v) if isinstance(v, Promise) else v for k, v in context.items()}
        return fill(templates(kind, language), values)


# A generic message, for the tests and for checking by hand that delivery works.
register(
    "test.hello",
    _("Hello, %(name)s"),
    _("Hello, %(name)s. This is a test notification from Bagalau."),
)
