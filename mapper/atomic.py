"""Write files atomically: to a temporary name in the same folder, renamed into place when complete.

A reader never sees a half-written output, and a failed write leaves the old file as it was.
Two context managers cover every writer in the project:

- :func:`atomic_write` yields an open file object (text or binary), for code that writes itself;
- :func:`atomic_path` yields a temporary *path*, for libraries that want a file name
  (pyogrio, ``GeoDataFrame.to_parquet``, SQLite).

Both refuse to replace an existing file unless ``overwrite=True``.

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> target = os.path.join(folder, "out.txt")
>>> with atomic_write(target) as f:
...     _ = f.write("hello")
>>> open(target).read()
'hello'
>>> with atomic_write(target) as f:
...     _ = f.write("again")
Traceback (most recent call last):
...
mapper.atomic.OutputExistsError: ... already exists; pass overwrite=True (CLI: --overwrite) to replace it
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator

from mapper.errors import OutputError

__all__ = ["atomic_write", "atomic_path", "check_writable", "OutputExistsError"]


class OutputExistsError(OutputError, FileExistsError):
    """The output file exists and ``overwrite`` was not given."""


def check_writable(path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Fail early, before any work, if *path* cannot be written.

    Raises :class:`OutputExistsError` when the file exists and ``overwrite`` is false,
    and :class:`~mapper.errors.OutputError` when its folder does not exist or *path* is a folder.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for the output")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: folder {folder} does not exist")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _commit(tmp: Path, path: Path, overwrite: bool) -> None:
    """Move the finished temporary file onto *path* (atomic rename; no-clobber link when not overwriting)."""
    if path.exists():
        mode = path.stat().st_mode & 0o7777       # keep the permissions of the file we replace
    else:
        mode = 0o666 & ~_umask()                  # what open() would have given a new file
    os.chmod(tmp, mode)
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)                        # fails if path appeared meanwhile: never clobber
    except FileExistsError:
        raise OutputExistsError(
            f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it") from None
    except OSError:                               # filesystems without hard links
        if path.exists():
            raise OutputExistsError(
                f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it") from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path in a private folder beside *path*; rename it onto *path* on success.

    The temporary file keeps *path*'s name (so drivers that look at the extension behave),
    inside a hidden folder next to the target, which is removed afterwards with anything the
    writer left there (journals, sidecars). If the block raises, *path* is untouched.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "layer.gpkg")
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_bytes(b"data")
    ...     tmp.parent != os.path.dirname(target)
    True
    >>> open(target, "rb").read()
    b'data'
    """
    path = check_writable(path, overwrite)
    folder = tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(folder) / path.name
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(f"nothing was written for {path}")
        _commit(tmp, path, overwrite)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", overwrite: bool = False,
                 encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside *path* for writing; on success flush, fsync and rename it onto *path*.

    ``mode`` is ``"w"`` (text, UTF-8 by default) or ``"wb"`` (binary). If the block raises,
    the temporary file is removed and any existing *path* is left intact.
    """
    if mode not in ("w", "wb", "wt"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    path = check_writable(path, overwrite)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _commit(tmp, path, overwrite)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
