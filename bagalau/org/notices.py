"""Notifications about secondments, queued after commit in each recipient's language.

org does not import notifications at module level: the outbox is reached lazily, as in
evaluations/notices.py.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import HR_ROLES, RoleAssignment, Secondment


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "org.secondment_proposed",
        _("Secondment proposed: %(servant)s"),
        _(
            "%(home)s proposes to second %(servant)s to your body from %(start)s to %(end)s "
            "(position code “%(code)s”). Accept or decline it on the secondments page."
        ),
    )
    add(
        "org.secondment_accepted",
        _("Secondment accepted: %(servant)s"),
        _("%(host)s accepted the secondment of %(servant)s from %(start)s to %(end)s."),
    )
    add(
        "org.secondment_declined",
        _("Secondment declined: %(servant)s"),
        _(
            "The body with BIN %(bin)s declined the secondment of %(servant)s "
            "from %(start)s to %(end)s: %(reason)s"
        ),
    )


def _send(secondment_id: int, kind: str, recipients: list[Any], *, to_host: bool) -> None:
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized

    row = Secondment.objects.select_related("servant__body", "host_body").get(pk=secondment_id)
    context = {
        "servant": localized(row.servant, "full_name"),
        "home": localized(row.servant.body, "name"),
        "host": localized(row.host_body, "name") if row.host_body else row.host_bin,
        "bin": row.host_bin,
        "code": row.host_position_code,
        "start": row.start_date.isoformat(),
        "end": row.end_date.isoformat(),
        "reason": row.reason,
    }
    body = row.host_body if to_host else row.servant.body
    if body is None:
        return
    url = reverse("org:secondments", kwargs={"body_id": body.pk})
    for user in recipients:
        services.notify(
            recipient=user,
            kind=kind,
            context=context,
            url=url,
            body=body,
            dedupe_key=f"{kind}:{row.pk}:{user.pk}",
            object_type="org.secondment",
            object_id=str(row.pk),
        )


def _hr_users(body_id: int) -> list[Any]:
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(body_id=body_id, role__in=list(HR_ROLES))
        .select_related("user")
        .order_by("user_id")
        if ra.user.is_active
    ]


def proposed(secondment: Secondment) -> None:
    """To the host body's HR, when the typed BIN is a body's (nothing otherwise)."""
    host_id, pk = secondment.host_body_id, secondment.pk
    if host_id is None:
        return
    transaction.on_commit(
        lambda: _send(pk, "org.secondment_proposed", _hr_users(host_id), to_host=True)
    )


def decided(secondment: Secondment) -> None:
    """To the home body's HR officer who proposed it, when the host accepts or declines."""
    kind = {"accepted": "org.secondment_accepted", "declined": "org.secondment_declined"}.get(
        secondment.status
    )
    proposer, pk = secondment.proposed_by, secondment.pk
    if kind is None or proposer is None:
        return
    transaction.on_commit(lambda: _send(pk, kind, [proposer], to_host=False))
