"""Uploads stored whole or not at all (bagalau/core/storage.py; issue 19, a full disk)."""

from __future__ import annotations

import errno
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bagalau.core import storage

DATA = b"%PDF-1.7\n" + b"x" * 5000


def files_in(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_stored_file_is_whole_under_its_key_with_its_digest(tmp_path):
    stored = storage.store_upload(SimpleUploadedFile("a.pdf", DATA), tmp_path)
    assert stored.path == tmp_path / stored.key[:2] / stored.key
    assert stored.path.read_bytes() == DATA and stored.size == len(DATA)
    assert stored.sha256 == hashlib.sha256(DATA).hexdigest()
    assert files_in(tmp_path) == [stored.key]  # no ".part" left beside it


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_or_quota_is_the_uploaders_error_and_no_partial_file_stays(
    tmp_path, monkeypatch, code
):
    def full(_fd):
        raise OSError(code, "full")

    monkeypatch.setattr(storage.os, "fsync", full)
    with pytest.raises(storage.StorageFull) as err:
        storage.store_upload(SimpleUploadedFile("a.pdf", DATA), tmp_path)
    assert (err.value.code, err.value.field, err.value.status) == ("storage_full", "file", 507)
    assert err.value.message is storage.MSG_STORAGE_FULL
    assert files_in(tmp_path) == []


def test_another_disk_error_is_raised_as_it_is_and_no_partial_file_stays(tmp_path, monkeypatch):
    def broken(_fd):
        raise OSError(errno.EIO, "input/output error")

    monkeypatch.setattr(storage.os, "fsync", broken)
    with pytest.raises(OSError) as err:
        storage.store_upload(SimpleUploadedFile("a.pdf", DATA), tmp_path)
    assert err.value.errno == errno.EIO and not isinstance(err.value, storage.StorageFull)
    assert files_in(tmp_path) == []
