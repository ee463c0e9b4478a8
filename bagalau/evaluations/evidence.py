"""Evidence files of KPI values (001 p22: the superior judges whether the evidence suffices).

Stored under settings.EVIDENCE_ROOT (outside the web root) by a random key, never by the
name the browser sent; the type is checked by content (rules.files); the size is bounded.
Read only through `evidence_open`, under the sheet's confidentiality (002 p21): those who
read the sheet's values — the evaluated person once submitted, the evaluator, the superior
who agrees a 2018 sheet, the head of HR, and HR and strategic planning for the values they
pre-compute (002 p23). Everyone else gets 404 (no tie) or 403.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import audit
from bagalau.core.storage import store_upload

from . import access
from .kpi_lines import KPI_KINDS
from .models import OPEN_TASK_STATES, Evidence, SheetLine, Task, TaskState
from .rules import files
from .rules.confidentiality import PLANNING
from .rules.workflow import EVALUATOR, HR

MSG_NOT_KPI = _("Evidence is attached to the KPI lines of a KPI sheet.")
MSG_LINE = _("KPI: choose a line of this sheet.")
MSG_CLOSED = _("This sheet is submitted: its evidence can no longer change.")
MSG_TOO_MANY = _("File: at most %(max)s files per KPI.")
MAX_ZIP_NAMES = 10_000


def _root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def path_of(evidence: Evidence) -> Path:
    key = evidence.storage_key
    return _root() / key[:2] / key


def may_write(task: Task, roles: set[str]) -> bool:
    """The evaluator while the sheet is his; HR and strategic planning while they enter the
    quarter's values (002 p23)."""
    if task.state not in OPEN_TASK_STATES:
        return False
    if EVALUATOR in roles and task.state != TaskState.ACTUALS_DUE:
        return True
    return task.kind == "kpi_quarterly" and bool({HR, PLANNING} & roles)


def _zip_names(upload: Any) -> list[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_NAMES:
                return []
            return [info.filename for info in infos]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        upload.seek(0)


@transaction.atomic
def evidence_attach(*, actor: Any, task_id: int, line_code: str, upload: Any) -> Evidence:
    task, roles = access.access_task(actor, task_id, for_update=True)
    if task.kind not in KPI_KINDS:
        raise DomainError(MSG_NOT_KPI, code="not_kpi", field="line")
    if not may_write(task, roles):
        if task.state in OPEN_TASK_STATES:
            raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
        raise Conflict(MSG_CLOSED, code="invalid_state", field="state")
    line = SheetLine.objects.filter(task=task, code=str(line_code)[:48]).first()
    if line is None:
        raise DomainError(MSG_LINE, code="line", field="line")
    if upload is None:
        raise DomainError(files.MSG_EMPTY, code="file_empty", field="file")
    files.check_size(int(getattr(upload, "size", 0) or 0), settings.EVIDENCE_MAX_BYTES)
    if Evidence.objects.filter(line=line).count() >= settings.EVIDENCE_PER_LINE:
        raise DomainError(
            MSG_TOO_MANY, code="too_many", field="file", params={"max": settings.EVIDENCE_PER_LINE}
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = files.sniff(head, _zip_names(upload) if files.is_zip(head) else ())
    stored = store_upload(upload, _root())
    try:
        evidence = Evidence.objects.create(
            line=line, task=task, name=files.clean_name(getattr(upload, "name", ""), content_type),
            content_type=content_type, size=stored.size, sha256=stored.sha256,
            storage_key=stored.key,
            uploaded_by=actor,
        )  # fmt: skip
        task.revision += 1
        task.save(update_fields=["revision", "updated_at"])
        audit(
            actor=actor, action="evidence.attached", obj=task, body=task.body,
            data={"line": line.code, "file": evidence.pk, "size": stored.size,
                  "sha256": evidence.sha256},
        )  # fmt: skip
    except Exception:
        stored.path.unlink(missing_ok=True)  # no row, no file
        raise
    return evidence


def evidence_open(*, actor: Any, evidence_id: int) -> tuple[Evidence, Path]:
    """The file and its path, to those who read the sheet's values; 404/403 otherwise."""
    evidence = Evidence.objects.select_related("task__servant").filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    roles = access.task_roles(actor, evidence.task)
    if not roles:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    if not (access.sheet_readable(evidence.task, roles) or access.actuals_readable(roles)):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    path = path_of(evidence)
    if not path.is_file():
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    return evidence, path


@transaction.atomic
def evidence_remove(*, actor: Any, evidence_id: int) -> Task:
    """The one who attached a file removes it while the sheet is still open."""
    evidence = Evidence.objects.select_related("task").filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    task, roles = access.access_task(actor, evidence.task_id, for_update=True)
    if evidence.uploaded_by_id != getattr(actor, "pk", None) or not may_write(task, roles):
        if task.state not in OPEN_TASK_STATES:
            raise Conflict(MSG_CLOSED, code="invalid_state", field="state")
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    path = path_of(evidence)
    data = {"line": evidence.line.code if evidence.line else "", "file": evidence.pk}
    evidence.delete()
    task.revision += 1
    task.save(update_fields=["revision", "updated_at"])
    audit(actor=actor, action="evidence.removed", obj=task, body=task.body, data=data)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return task
