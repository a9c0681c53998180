from __future__ import annotations

import hashlib
import io
import os
import threading
from pathlib import Path

import pytest

from storage import BlobNotFound, CorruptBlob, LocalBlobStore, StorageError, open_store


class Trickle(io.RawIOBase):
    """A stream that hands out a large payload in small reads, never all at once."""

    def __init__(self, size: int, seed: int = 1) -> None:
        self.left = size
        self.block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        n = min(len(b), self.left, len(self.block))
        b[:n] = self.block[:n]
        self.left -= n
        return n


def test_put_is_content_addressed_and_deduplicated(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    a = store.put_bytes(b"scan bytes")
    b = store.put_bytes(b"scan bytes")
    assert a == b
    assert a.key == hashlib.sha256(b"scan bytes").hexdigest()
    assert store.get_bytes(a.key) == b"scan bytes"
    assert len(list(store.keys())) == 1
    assert not list((tmp_path / "tmp").iterdir())


def test_streaming_put_of_a_large_blob(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    size = 40 * 1024 * 1024 + 123
    info = store.put(io.BufferedReader(Trickle(size)))
    assert info.size == size == store.size(info.key)
    h = hashlib.sha256()
    for chunk in store.iter_chunks(info.key):
        assert len(chunk) <= 1 << 20
        h.update(chunk)
    assert h.hexdigest() == info.key
    store.verify(info.key)


def test_max_size_refuses_and_leaves_nothing(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(StorageError, match="limit"):
        store.put(io.BytesIO(b"x" * 5000), max_size=4096)
    assert list(store.keys()) == []
    assert not list((tmp_path / "tmp").iterdir())


def test_verify_detects_a_changed_byte(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    info = store.put_bytes(b"original page image")
    path = store.path(info.key)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptBlob) as e:
        store.verify(info.key)
    assert e.value.key == info.key


def test_missing_and_malformed_keys(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(BlobNotFound):
        store.open("0" * 64)
    with pytest.raises(StorageError):
        store.open("../../etc/passwd")


def test_interrupted_put_leaves_no_blob(tmp_path: Path) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            raise OSError("connection reset")

    store = LocalBlobStore(tmp_path)
    with pytest.raises(OSError):
        store.put(io.BufferedReader(Broken()))
    assert list(store.keys()) == []
    assert not list((tmp_path / "tmp").iterdir())


def test_concurrent_puts_of_the_same_bytes(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    keys: list[str] = []
    threads = [threading.Thread(target=lambda: keys.append(store.put_bytes(b"same" * 10000).key))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1
    store.verify(keys[0])


def test_open_store_by_url(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path.as_uri()), LocalBlobStore)
    with pytest.raises(StorageError):
        open_store("ftp://example/x")
