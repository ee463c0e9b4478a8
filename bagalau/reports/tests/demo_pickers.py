"""Demo objects the documents' tests print: a servant whose service record `hrhead` may print."""

from __future__ import annotations

from collections.abc import Callable


def service_record() -> int:
    from bagalau.core.models import User
    from bagalau.evaluations.models import Result
    from bagalau.org.models import Role, RoleAssignment

    user = User.objects.get(username=PRINTER["service_record"])
    bodies = RoleAssignment.objects.filter(user=user, role=Role.HR_HEAD).values("body_id")
    servant_id = (
        Result.objects.filter(body_id__in=bodies)
        .order_by("servant_id")
        .values_list("servant_id", flat=True)
        .first()
    )
    if servant_id is None:
        raise LookupError("no result in the demo body of the head of HR")
    return servant_id


PICKERS: dict[str, Callable[[], int]] = {"service_record": service_record}
PRINTER: dict[str, str] = {"service_record": "hrhead"}
