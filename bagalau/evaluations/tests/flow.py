"""Test helper: perform a transition as a client would, naming the revision it just read."""

from __future__ import annotations

from typing import Any

from bagalau.evaluations import services
from bagalau.evaluations.models import Task


def transition(*, actor: Any, task_id: int, action: str, **kwargs: Any) -> Task:
    if "revision" not in kwargs:
        kwargs["revision"] = Task.objects.values_list("revision", flat=True).get(pk=task_id)
    return services.task_transition(actor=actor, task_id=task_id, action=action, **kwargs)
