"""Helpers of the official forms' tests (each app's test_printed): build a form's Layout in a
language through the registry, the people who may not print it, and the parts of a Layout."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from bagalau.core.models import User
from bagalau.documents import registry
from bagalau.documents.layout import Fields, Layout, Table
from bagalau.org.models import Role, RoleAssignment, Servant


def kind(key: str) -> registry.FormKind:
    found = registry.get(key)
    assert found is not None, f"form {key!r} is not registered"
    return found


def authorize(key: str, username: str, object_id: int) -> Any:
    return kind(key).authorize(User.objects.get(username=username), object_id)


def build(key: str, obj: Any, language: str) -> Layout:
    with translation.override(language):
        layout = kind(key).build(obj)
    assert layout.form == key and layout.language == language
    assert Layout.from_dict(layout.to_dict()) == layout  # stored and reprinted as it was
    return layout


def stranger() -> User:
    """A user of no body at all."""
    return User.objects.create_user(username="stranger-printing", password="x")


def hr_officer(body_id: int) -> User:
    """An HR officer of the body who is not the head of HR (002 p21: no results)."""
    user = User.objects.create_user(username=f"hr-officer-{body_id}", password="x")
    RoleAssignment.objects.create(body_id=body_id, user=user, role=Role.HR_OFFICER)
    return user


def tables(layout: Layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table)]


def fields(layout: Layout) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in layout.blocks:
        if isinstance(block, Fields):
            found.update(dict(block.items))
    return found


def text_of(layout: Layout) -> str:
    """Every text of the Layout, for 'appears somewhere' checks."""
    return repr(layout.to_dict())


def person(user: Any, body_id: int, language: str) -> str:
    """How a form names a signer: the servant record's name in the language, else the
    account's name."""
    servant = Servant.objects.filter(body_id=body_id, user=user).first()
    if servant is None:
        return str(user.get_full_name() or user.username)
    with translation.override(language):
        return servant.full_name
