"""Where event files come from: the local file system (os only), or any fsspec URL (``s3://``, ``gs://``, ``memory://``).

A local path never imports fsspec. A URL needs fsspec and the protocol's backend (s3fs, gcsfs, ...); when either is
missing the reader reports it as a message instead of raising.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any, Protocol


class StorageError(Exception):
    """The log directory cannot be opened at all (fsspec or the protocol's backend missing, unknown protocol)."""


class EventFile:
    __slots__ = ("name", "path", "size")

    def __init__(self, path: str, name: str, size: int | None) -> None:
        self.path = path
        self.name = name
        self.size = size  # from the listing when the file system gives it, else None


def is_event_file(name: str) -> bool:
    """io_wrapper.IsSummaryEventsFile."""
    return "tfevents" in name and not name.endswith(".profile-empty")


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


class Storage(Protocol):
    def discover(self, messages: list[str]) -> dict[str, list[EventFile]]: ...

    def size(self, f: EventFile) -> int: ...

    def read(self, f: EventFile, offset: int, n: int) -> bytes: ...


class LocalStorage:
    def __init__(self, root: str) -> None:
        self.root = root.removeprefix("file://")

    def discover(self, messages: list[str]) -> dict[str, list[EventFile]]:
        root = self.root
        if not os.path.exists(root):
            messages.append(f"log directory {root!r} does not exist (yet)")
            return {}
        if not os.path.isdir(root):
            messages.append(f"{root!r} is not a directory")
            return {}
        found: dict[str, list[EventFile]] = {}

        def onerror(err: OSError) -> None:
            messages.append(f"cannot list {err.filename!r}: {err.strerror}")

        for dirpath, _dirs, filenames in os.walk(root, onerror=onerror):
            names = sorted(f for f in filenames if is_event_file(f))
            if names:
                run = os.path.relpath(dirpath, root)
                found[run] = [EventFile(os.path.join(dirpath, f), f, None) for f in names]
        return found

    def size(self, f: EventFile) -> int:
        return os.path.getsize(f.path)

    def read(self, f: EventFile, offset: int, n: int) -> bytes:
        with open(f.path, "rb") as fh:
            fh.seek(offset)
            data: bytes = fh.read(n)
            return data


class FsspecStorage:
    """Any fsspec file system. Listings are re-read on every reload (remote backends cache them)."""

    def __init__(self, url: str) -> None:
        try:
            import fsspec
        except ImportError as exc:
            raise StorageError(
                f"reading {url!r} needs fsspec: pip install fsspec (and the backend of "
                f"{url.split('://')[0]!r}, e.g. s3fs for s3://, gcsfs for gs://)"
            ) from exc
        try:
            fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:  # backend missing ("Install s3fs to access S3"), unknown protocol
            raise StorageError(f"cannot open {url!r}: {exc}") from exc
        self.fs = fs
        self.url = url
        self.root = root.rstrip("/") or "/"

    def discover(self, messages: list[str]) -> dict[str, list[EventFile]]:
        fs, root = self.fs, self.root
        try:
            fs.invalidate_cache()
            if not fs.exists(root):
                messages.append(f"log directory {self.url!r} does not exist (yet)")
                return {}
            if not fs.isdir(root):
                messages.append(f"{self.url!r} is not a directory")
                return {}
            walked = list(fs.walk(root, detail=True))
        except Exception as exc:  # each backend raises its own errors (botocore, aiohttp, OSError)
            messages.append(f"cannot list {self.url!r}: {type(exc).__name__}: {exc}")
            return {}
        found: dict[str, list[EventFile]] = {}
        prefix = root.rstrip("/") + "/"
        for dirpath, _dirs, files in walked:
            names = sorted(n for n in files if is_event_file(n))
            if not names:
                continue
            d = dirpath.rstrip("/")
            run = "." if d == root.rstrip("/") else (d[len(prefix) :] if d.startswith(prefix) else d)
            sizes = files if isinstance(files, dict) else {}
            found[run] = [EventFile(posixpath.join(d, n), n, _size(sizes.get(n))) for n in names]
        return found

    def size(self, f: EventFile) -> int:
        if f.size is not None:
            return f.size
        return int(self.fs.size(f.path))

    def read(self, f: EventFile, offset: int, n: int) -> bytes:
        with self.fs.open(f.path, "rb") as fh:
            fh.seek(offset)
            data: bytes = fh.read(n)
            return data


def _size(info: Any) -> int | None:
    try:
        return int(info["size"])
    except (KeyError, TypeError, ValueError):
        return None


def open_storage(path: str) -> Storage:
    """The storage of ``path``: fsspec for a URL (raises StorageError when it cannot), the local disk otherwise."""
    if is_url(path):
        return FsspecStorage(path)
    return LocalStorage(path)
