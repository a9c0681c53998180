"""Fixity (storage.fixity) and copying between stores (storage.transfer), on local disk
and on S3 (an in-memory stand-in for boto3's client: the calls S3BlobStore makes)."""

from __future__ import annotations

import hashlib
import io
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from botocore.exceptions import ClientError, EndpointConnectionError

from storage import BlobStore, LocalBlobStore, fixity, transfer
from storage.s3 import S3BlobStore


class FakeS3:
    """The part of boto3's S3 client that S3BlobStore uses, in memory."""

    class exceptions:  # noqa: N801 - boto3's spelling
        class NoSuchKey(Exception):
            pass

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def upload_fileobj(self, f: Any, bucket: str, key: str) -> None:
        self.objects[(bucket, key)] = f.read()

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        if (Bucket, Key) not in self.objects:
            raise self.exceptions.NoSuchKey(Key)
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)])}

    def head_object(self, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        if (Bucket, Key) not in self.objects:  # what botocore raises for HEAD of a missing key
            raise ClientError({"Error": {"Code": "404", "Message": "Not Found"},
                               "ResponseMetadata": {"HTTPStatusCode": 404}}, "HeadObject")
        return {"ContentLength": len(self.objects[(Bucket, Key)])}

    def get_paginator(self, name: str) -> Any:
        assert name == "list_objects_v2"
        fake = self

        class Paginator:
            def paginate(self, Bucket: str, Prefix: str) -> Iterator[dict[str, Any]]:  # noqa: N803
                keys = sorted(k for b, k in fake.objects if b == Bucket and k.startswith(Prefix))
                for start in range(0, len(keys), 2):  # small pages: the paging is exercised
                    yield {"Contents": [{"Key": k} for k in keys[start:start + 2]]}

        return Paginator()


def _local(tmp_path: Path) -> tuple[BlobStore, Any]:
    store = LocalBlobStore(tmp_path / "blobs")

    def damage(key: str, data: bytes | None) -> None:
        path = store.path(key)
        if data is None:
            path.unlink()
        else:
            os.chmod(path, 0o644)
            path.write_bytes(data)

    return store, damage


def _s3(tmp_path: Path) -> tuple[BlobStore, Any]:
    client = FakeS3()
    store = S3BlobStore("bucket", "ecase/blobs", client=client)

    def damage(key: str, data: bytes | None) -> None:
        name = ("bucket", f"ecase/blobs/{key[:2]}/{key}")
        if data is None:
            del client.objects[name]
        else:
            client.objects[name] = data

    return store, damage


@pytest.fixture(params=["local", "s3"])
def store_and_damage(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[BlobStore, Any]:
    return {"local": _local, "s3": _s3}[request.param](tmp_path)


def test_a_whole_store_verifies(store_and_damage: tuple[BlobStore, Any]) -> None:
    store, _ = store_and_damage
    keys = [store.put_bytes(f"page {i}".encode()).key for i in range(7)]
    report = fixity.check(store, keys, jobs=3)
    assert report.ok and report.stored == report.checked == report.expected == 7
    assert report.unexpected == 0


def test_every_missing_and_changed_blob_is_reported(store_and_damage: tuple[BlobStore, Any]) -> None:
    store, damage = store_and_damage
    keys = [store.put_bytes(f"page {i}".encode()).key for i in range(6)]
    orphan = store.put_bytes(b"an upload nobody refers to").key
    never = hashlib.sha256(b"never stored").hexdigest()
    damage(keys[1], b"page 1, rewritten")
    damage(keys[4], None)
    damage(orphan, b"bit rot")
    report = fixity.check(store, [*keys, never], jobs=2)
    assert not report.ok
    found = {(p.kind, p.key) for p in report.problems}
    assert found == {("changed", keys[1]), ("changed", orphan), ("missing", keys[4]), ("missing", never)}
    changed = next(p for p in report.problems if p.key == keys[1])
    assert changed.detail == f"its bytes hash to {hashlib.sha256(b'page 1, rewritten').hexdigest()}"
    assert report.unexpected == 1 and report.checked == 6


def test_a_sample_rehashes_n_but_finds_every_missing_one(store_and_damage: tuple[BlobStore, Any]) -> None:
    store, damage = store_and_damage
    keys = [store.put_bytes(f"page {i}".encode()).key for i in range(20)]
    store.put_bytes(b"orphan")
    damage(keys[3], None)
    heard: list[fixity.Problem] = []
    report = fixity.check(store, keys, sample=5, rng=random.Random(1), on_problem=heard.append)
    assert report.checked == 5  # drawn among the referred-to blobs only
    assert [(p.kind, p.key) for p in report.problems] == [("missing", keys[3])]
    assert heard == report.problems
    everything = fixity.check(store, keys, sample=100)
    assert everything.checked == 19


def test_a_store_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    class Broken(LocalBlobStore):
        def open(self, key: str) -> Any:
            raise PermissionError(13, "Permission denied")

    store = Broken(tmp_path)
    key = store.put_bytes(b"x").key
    report = fixity.check(store, [key])
    assert [(p.kind, p.key) for p in report.problems] == [("unreadable", key)]
    assert "Permission denied" in report.problems[0].detail


def test_copy_between_stores_checks_every_blob(tmp_path: Path) -> None:
    source, damage = _s3(tmp_path)
    keys = [source.put_bytes(f"page {i}".encode()).key for i in range(5)]
    damage(keys[2], b"tampered")
    target = LocalBlobStore(tmp_path / "copy")
    report = transfer.copy(source, target, jobs=2)
    assert report.copied == 4 and report.bytes == sum(len(f"page {i}") for i in (0, 1, 3, 4))
    assert [(p.kind, p.key) for p in report.problems] == [("changed", keys[2])]
    assert not target.exists(keys[2])
    again = transfer.copy(source, target, [k for k in keys if k != keys[2]])
    assert again.copied == 0 and again.present == 4 and again.ok
    assert fixity.check(target, [k for k in keys if k != keys[2]]).ok


def test_an_s3_refusal_or_outage_is_no_missing_blob(tmp_path: Path) -> None:
    """HEAD answered 403 (wrong credentials) or no answer at all says nothing about the
    blob: it is an error, never "missing" (verify reported every blob gone before)."""
    store, _damage = _s3(tmp_path)
    key = store.put_bytes(b"page").key
    assert store.exists(key) and not store.exists("0" * 64)
    denied = ClientError({"Error": {"Code": "403", "Message": "Forbidden"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}, "HeadObject")
    for error in (denied, EndpointConnectionError(endpoint_url="http://s3.invalid")):
        def refuse(Bucket: str, Key: str, error: Exception = error) -> Any:  # noqa: N803
            raise error

        store.client.head_object = refuse  # type: ignore[attr-defined]
        with pytest.raises(type(error)):
            store.exists(key)
        with pytest.raises(type(error)):
            store.size(key)
