"""Private local files: the ``var/`` directory 0700, its databases and secrets 0600.

On one machine the servers keep their state in ``var/`` (SQLite claims store and conversation
store, generated secrets, rendered ``endpoints.yml`` with the action-server token, logs). Other
local users must not read it: :func:`private_dir` creates a directory ``0700`` (and tightens one
this process owns), :func:`private_file` creates a file ``0600`` before anyone writes into it (and
tightens one this process owns). SQLite creates its ``-wal`` / ``-journal`` files with the mode of
the database file, so a database created here stays private with its journals.

No Rasa import: used by the settings, the claims store, the Rasa tracker store and the launchers.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Union

DIR_MODE = 0o700
FILE_MODE = 0o600


def _shared(path: Path, info: os.stat_result) -> bool:
    """A directory that is not the application's own: sticky (``/tmp``), the root, the home directory or a mount
    point. It is never changed, even when ``ASSISTANT_VAR_DIR`` points at it (as root, ``/tmp`` would lose 1777)."""
    if not stat.S_ISDIR(info.st_mode):
        return False
    resolved = path.resolve()
    return bool(info.st_mode & stat.S_ISVTX) or resolved in (Path("/"), Path.home().resolve()) or os.path.ismount(resolved)


def _tighten(path: Path, mode: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode and not _shared(path, info):
        os.chmod(path, mode)


def private_dir(path: Union[str, Path], *, tighten: bool = True) -> Path:
    """``path`` as a directory only its owner can enter: created ``0700`` when missing; with ``tighten``
    an existing directory of this user is set to ``0700`` too (the ``var/`` directory, not any folder
    that happens to hold a database file, nor a shared one such as ``/tmp``: :func:`_shared`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if tighten:
            _tighten(path, DIR_MODE)
    return path


def private_file(path: Union[str, Path], *, create: bool = True) -> Path:
    """``path`` as a file only its owner can read: created empty ``0600`` when ``create`` (its directory
    ``0700`` if missing); an existing file of this user is set to ``0600``."""
    path = Path(path)
    private_dir(path.parent, tighten=False)
    if create:
        try:
            os.close(os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except FileExistsError:
            pass
    _tighten(path, FILE_MODE)
    return path


def write_private(path: Union[str, Path], text: str) -> Path:
    """Write ``text`` to ``path``, readable by its owner only."""
    path = private_file(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
