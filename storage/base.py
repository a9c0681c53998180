"""The blob store interface."""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_KEY = re.compile(r"^[0-9a-f]{64}$")


class StorageError(Exception):
    """Something went wrong keeping or reading bytes."""


class BlobNotFound(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"blob {key} is not in the store")
        self.key = key


class CorruptBlob(StorageError):
    def __init__(self, key: str, actual: str) -> None:
        super().__init__(f"blob {key} is damaged: its bytes hash to {actual}")
        self.key = key
        self.actual = actual


@dataclass(frozen=True)
class BlobInfo:
    key: str  # SHA-256 hex of the bytes
    size: int


def is_key(key: str) -> bool:
    return bool(_KEY.match(key))


def check_key(key: str) -> str:
    if not is_key(key):
        raise StorageError(f"not a blob key: {key!r}")
    return key


class BlobStore(ABC):
    """Content-addressed storage. Implementations must make ``put`` atomic: a reader
    either sees the whole blob under its key or no blob at all."""

    @abstractmethod
    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> BlobInfo:
        """Store the bytes read from ``stream`` (until EOF) and return their key and size.

        Raises :class:`StorageError` when more than ``max_size`` bytes arrive; nothing is
        stored then."""

    def put_bytes(self, data: bytes) -> BlobInfo:
        import io

        return self.put(io.BytesIO(data))

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the blob; raise :class:`BlobNotFound`."""

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as f:
            return f.read()

    def iter_chunks(self, key: str, chunk: int = CHUNK) -> Iterator[bytes]:
        with self.open(key) as f:
            while block := f.read(chunk):
                yield block

    @contextlib.contextmanager
    def materialize(self, key: str, suffix: str = "") -> Iterator[Path]:
        """The blob as a file on local disk, for tools that need a path (read only).

        Backends that keep blobs elsewhere copy it to a temporary file, removed afterwards."""
        with tempfile.TemporaryDirectory(prefix="blob-") as tmp:
            path = Path(tmp) / f"{key}{suffix}"
            with open(path, "wb") as out:
                for block in self.iter_chunks(key):
                    out.write(block)
            yield path

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    def verify(self, key: str) -> None:
        """Re-hash the stored bytes; raise :class:`CorruptBlob` if they changed."""
        h = hashlib.sha256()
        for block in self.iter_chunks(key):
            h.update(block)
        actual = h.hexdigest()
        if actual != key:
            raise CorruptBlob(key, actual)

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every key in the store (for audits and ``ecase storage verify``)."""
