"""Bytes at rest: content-addressed, atomic, verifiable.

A blob's key is the SHA-256 of its bytes (64 lowercase hex digits). Putting the same
bytes twice stores them once. Every backend streams in and out in chunks, so a 1 GB
scan never needs 1 GB of memory.

Parts:
- ``base``: the :class:`BlobStore` interface every backend implements, and errors.
- ``local``: blobs as files on local disk (the embedded default), written atomically
  (temporary file, fsync, rename, fsync of the directory).
- ``s3``: blobs in an S3-compatible object store (boto3, imported only when used).
- ``fixity``: re-hash stored blobs and report the missing and the changed ones (behind
  ``ecase storage verify``).

:func:`open_store` picks the backend from a URL (``file:///…`` or ``s3://bucket/prefix``).
"""

from __future__ import annotations

from urllib.parse import urlparse

from storage.base import BlobInfo, BlobNotFound, BlobStore, CorruptBlob, StorageError, is_key
from storage.local import LocalBlobStore

__all__ = [
    "BlobInfo", "BlobNotFound", "BlobStore", "CorruptBlob", "LocalBlobStore", "StorageError",
    "is_key", "open_store",
]


def open_store(url: str) -> BlobStore:
    """Open the blob store named by ``url``."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalBlobStore(parsed.path if parsed.scheme else url)
    if parsed.scheme == "s3":
        from storage.s3 import S3BlobStore

        return S3BlobStore(bucket=parsed.netloc, prefix=parsed.path.lstrip("/"))
    raise StorageError(f"unsupported storage URL scheme: {parsed.scheme!r}")
