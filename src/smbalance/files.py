"""Every file smbalance writes is written here: whole or not at all, never through a
symlink, with its mode set when it is created.

The recipe (`replacing`): a new file with a random name in the target's directory
(``tempfile.mkstemp``: ``O_CREAT | O_EXCL``, so nothing planted there is followed or
reused), written, ``fsync``-ed, then renamed over the target with ``os.replace``.  A
reader sees the old file or the new one, never a part; a crash leaves at most a hidden
``.NAME.xxxxxxxx.tmp`` beside it; a symlink at the target is replaced, not written
through.  The directory is synced after the rename, so the new name survives a power cut.

Modes: `PRIVATE` (0600, whatever the umask) for the store, backups and the config;
`SHARED` (0666 less the umask, as a shell's ``>`` would make it) for exports and saved
reports, which a person writes in order to hand them on.

Stdlib only: the config writer uses it on the lean start-up path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PRIVATE = 0o600
SHARED = None  # 0666 less the umask


def private_dirs(directory: Path) -> None:
    """Create `directory` and any missing parents 0700, whatever the umask (``mkdir``'s
    mode is masked by it, and ``Path.mkdir(parents=True)`` makes parents 0777-umask).
    Directories that already exist are left as they are."""
    missing = [p for p in (directory, *directory.parents) if not p.exists()]
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made a moment ago by someone else: theirs to set
        path.chmod(0o700)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: Path, mode: int | None = PRIVATE) -> Iterator[tuple[int, Path]]:
    """Yield ``(fd, temporary_path)`` of a new file beside `path`; when the block ends
    without an exception, sync it and rename it over `path`; otherwise remove it.

    For writers that need a name (SQLite's backup API); `write_atomically` is the usual
    way in.  The name is checked to still be the file created here before it is renamed,
    so a file swapped in by someone who can write in the directory is never published.
    """
    directory = path.parent
    fd, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        os.fchmod(fd, _mode(mode))
        yield fd, temporary
        os.fsync(fd)
        created, now = os.fstat(fd), os.lstat(temporary)
        if (created.st_dev, created.st_ino) != (now.st_dev, now.st_ino):
            raise OSError(f"{temporary} was replaced by someone else while it was written")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    _sync_directory(directory)


def _mode(mode: int | None) -> int:
    return 0o666 & ~_umask() if mode is None else mode


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not every platform opens directories; the rename itself is done
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def write_atomically(
    path: Path,
    *,
    mode: int | None = PRIVATE,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = "",
    buffering: int = 1 << 16,
) -> Iterator[IO[Any]]:
    """Yield a file to write `path`'s new content to; it replaces `path` only when the
    block ends without an exception (see the module's notes).  Text by default, UTF-8,
    no newline translation."""
    with replacing(path, mode) as (fd, _temporary):
        if binary:
            out: IO[Any] = os.fdopen(fd, "wb", buffering=buffering, closefd=False)
        else:
            out = os.fdopen(
                fd, "w", encoding=encoding, newline=newline, buffering=buffering, closefd=False
            )
        with out:
            yield out
