"""Uploaded files stored whole or not at all: evidence of a KPI sheet, a calibration protocol.

A file is written under a random key beside its final name (`<key>.part`), flushed to disk,
then renamed into place in one step (os.replace), so no reader and no later purge ever
meets half a file. A full disk (or quota) is the uploader's clear error, naming the file
field, with the partial file removed; the caller's transaction then rolls back its row.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

MSG_STORAGE_FULL = _(
    "File: the server's storage is full, so the file was not attached. Nothing was changed: "
    "try again later, and tell the administrator."
)
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(DomainError):
    status = 507


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str
    path: Path


def store_upload(upload: Any, root: Path) -> Stored:
    """Write `upload` (a Django UploadedFile) under a new random key in `root`."""
    key = secrets.token_hex(20)
    target = root / key[:2] / key
    partial = target.with_name(f"{key}.part")
    digest = hashlib.sha256()
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        upload.seek(0)
        with partial.open("xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno in FULL:
            raise StorageFull(MSG_STORAGE_FULL, code="storage_full", field="file") from exc
        raise
    return Stored(key=key, size=size, sha256=digest.hexdigest(), path=target)
