"""Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW …).

Credentials and the endpoint come from boto3's usual environment variables
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``). An upload is
spooled to a local temporary file while it is hashed (the key must be known before the
object is written), then sent with a multipart upload; S3 makes the object visible only
when the upload completes, which gives the same atomicity as the local backend.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from storage.base import CHUNK, BlobInfo, BlobNotFound, BlobStore, StorageError, check_key


class S3BlobStore(BlobStore):
    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if client is None:
            try:
                import boto3
            except ImportError as e:  # pragma: no cover - depends on the install
                raise StorageError("S3 storage needs boto3: pip install 'ecase[s3]'") from e
            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.rstrip("/") + "/" if prefix else ""

    def __repr__(self) -> str:
        return f"S3BlobStore('s3://{self.bucket}/{self.prefix}')"

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}{key[:2]}/{key}"

    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobInfo:
        h = hashlib.sha256()
        size = 0
        with tempfile.TemporaryFile() as spool:
            while block := stream.read(CHUNK):
                size += len(block)
                if max_size is not None and size > max_size:
                    raise StorageError(f"upload exceeds the limit of {max_size} bytes")
                h.update(block)
                spool.write(block)
            key = h.hexdigest()
            if not self.exists(key):
                spool.seek(0)
                self.client.upload_fileobj(spool, self.bucket, self._name(key))
        return BlobInfo(key, size)

    def open(self, key: str) -> BinaryIO:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as e:
            raise BlobNotFound(key) from e
        body: BinaryIO = obj["Body"]
        return body

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except Exception as e:
            if _not_found(e):
                return False
            raise  # denied, unreachable …: not an answer about the blob
        return True

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except Exception as e:
            if _not_found(e):
                raise BlobNotFound(key) from e
            raise
        return int(head["ContentLength"])

    def keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                yield item["Key"].rsplit("/", 1)[-1]

    def iter_chunks(self, key: str, chunk: int = CHUNK) -> Iterator[bytes]:
        body = self.open(key)
        try:
            while block := body.read(chunk):
                yield block
        finally:
            body.close()


def _not_found(e: Exception) -> bool:
    """Whether S3 said the object is not there (HEAD answers a bare 404, GET NoSuchKey);
    a refusal or a network error says nothing about the blob and must not read as
    "missing" (``ecase storage verify`` would report every blob gone)."""
    response = getattr(e, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("404", "NoSuchKey", "NotFound") or status == 404
