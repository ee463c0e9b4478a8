"""Issuing official forms: authorize through the form's one access rule, build the Layout in
the document's language, render it, keep the file with its hash, audit the issue.

Every download asks the form's `authorize` again: who may print is who may know the result
(002 p16, p21), decided each time, never remembered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, NotFound
from bagalau.core.models import audit

from . import registry
from .layout import Layout
from .models import IssuedDocument
from .render import FORMATS, render

LANGUAGES = ("kk", "ru")
MSG_NOT_FOUND = _("Not found.")
MSG_LANGUAGE = _("The language of a document is kk or ru.")
MSG_FORMAT = _("The format of a document is pdf or docx.")


@dataclass(frozen=True)
class Made:
    kind: registry.FormKind
    obj: Any
    layout: Layout


def form_get(key: str) -> registry.FormKind:
    kind = registry.get(key)
    if kind is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found", field="form")
    return kind


def check_request(form: str, language: str, fmt: str) -> registry.FormKind:
    """The form (404 when unknown), then the language and the format (400 naming the field)."""
    kind = form_get(form)
    if language not in LANGUAGES:
        raise DomainError(MSG_LANGUAGE, code="language", field="language")
    if fmt not in FORMATS:
        raise DomainError(MSG_FORMAT, code="format", field="fmt")
    return kind


def document_build(*, user: Any, form: str, object_id: int, language: str) -> Made:
    """Authorize (the form's one access rule), then build the Layout in `language`."""
    kind = form_get(form)
    obj = kind.authorize(user, object_id)
    with translation.override(language):
        layout = kind.build(obj)
    return Made(kind, obj, layout)


def document_issue(
    *, user: Any, form: str, object_id: int, language: str, fmt: str
) -> IssuedDocument:
    """The document for the object in that language and format; the stored one when the
    Layout has not changed since it was issued (same bytes, same hash)."""
    check_request(form, language, fmt)
    made = document_build(user=user, form=form, object_id=object_id, language=language)
    content = render(made.layout, fmt)
    digest = hashlib.sha256(content).hexdigest()
    key = {"form": form, "object_id": object_id, "language": language, "fmt": fmt}
    existing = IssuedDocument.objects.filter(**key, sha256=digest).first()
    if existing is not None:
        return existing
    body_id = made.kind.body_id(made.obj)
    year, quarter = made.kind.period(made.obj) or (timezone.localdate().year, 0)
    try:
        with transaction.atomic():
            doc = IssuedDocument.objects.create(
                **key,
                body_id=body_id,
                servant_id=made.kind.servant_id(made.obj),
                filename=f"{form}-{object_id}-{language}-{digest[:8]}.{fmt}",
                sha256=digest,
                snapshot=made.layout.to_dict(),
                content=content,
                size=len(content),
                issued_by=user,
                year=year,
                quarter=quarter,
            )
            # No scores, no names: which form of which object, in which language and format.
            audit(
                actor=user, action="documents.issue", obj=doc, body=doc.body,
                data={**key, "sha256": digest},
            )  # fmt: skip
    except IntegrityError:  # issued at the same moment by another request: the same file
        return IssuedDocument.objects.get(**key, sha256=digest)
    return doc


# The registry's name for the service (issue 17): issue(user, form, object_id, language, fmt).
def issue(user: Any, form: str, object_id: int, language: str, fmt: str) -> IssuedDocument:
    return document_issue(user=user, form=form, object_id=object_id, language=language, fmt=fmt)


def reprint(doc: IssuedDocument) -> bytes:
    """The stored Layout rendered again: the same bytes as the file issued."""
    return render(Layout.from_dict(doc.snapshot), doc.fmt)


def document_access(user: Any, doc: IssuedDocument) -> Any:
    """Whether the user may have this issued document now: the form's rule, asked again."""
    return form_get(doc.form).authorize(user, doc.object_id)


def document_get(user: Any, document_id: int) -> IssuedDocument:
    doc = IssuedDocument.objects.filter(pk=document_id).first()
    if doc is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    document_access(user, doc)
    return doc


def printable(user: Any, form: str, object_id: int) -> bool:
    """Whether the user may print the form for the object (its authorize, no exception)."""
    kind = registry.get(form)
    if kind is None:
        return False
    try:
        kind.authorize(user, object_id)
    except DomainError:
        return False
    return True


@dataclass(frozen=True)
class Verified:
    """What a verification tells: whether the body issued the file; what it is, only to
    those who may have it now (the form's rule)."""

    document: IssuedDocument | None
    allowed: bool

    @property
    def issued(self) -> bool:
        return self.document is not None


def sha256_of(chunks: Any) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def document_verify(*, user: Any, digest: str, body_id: int | None = None) -> Verified:
    qs = IssuedDocument.objects.filter(sha256=digest).select_related("body", "servant")
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    doc = qs.defer("content", "snapshot").order_by("issued_at", "pk").first()
    if doc is None:
        return Verified(None, False)
    try:
        document_access(user, doc)
    except DomainError:
        return Verified(doc, False)
    return Verified(doc, True)


def printable_forms(user: Any, keys: list[str], object_id: int) -> list[dict[str, Any]]:
    """The forms among `keys` the user may print for the object: for the pages' links."""
    return [
        {"key": key, "label": form_get(key).label}
        for key in keys
        if printable(user, key, object_id)
    ]
