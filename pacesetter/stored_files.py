"""Files the portal keeps for itself through Django's storage API: written whole, marked as
used, and removed once unused for a while.

The same calls work on the filesystem (development, one server) and on an S3-compatible object
store (production, any number of app servers and workers). An object store has no `utime`,
so a file is marked as used by writing it again, at most once per `MARK_EVERY`; its last
modified time then says when a build last used it, on both backends.
"""

import datetime
import os
import posixpath
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

# An object store rewrites a file to mark it as used; once a day is close enough for expiry
# measured in weeks.
MARK_EVERY = datetime.timedelta(days=1)


def _local_path(storage, name):
    """The file's path when `storage` is on this machine's filesystem, else None."""
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


def write_whole(storage, name, data):
    """Store `data` under exactly `name`, replacing any file there.

    A reader never sees half a file: on the filesystem it is written beside and renamed; an
    object store replaces an object whole on each write.
    """
    path = _local_path(storage, name)
    if path is None:
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            # A storage that renames rather than overwrites: keep one copy, under `name`.
            storage.delete(saved)
            raise ValueError(f"{storage!r} does not overwrite files; set file_overwrite")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    Path(temporary).replace(path)


def read_whole(storage, name):
    """Return the bytes stored under `name`; raises FileNotFoundError if there are none."""
    with storage.open(name, "rb") as file:
        return file.read()


def mark_used(storage, name, data, *, now=None):
    """Record that `name` (whose bytes are `data`) was used now, so `remove_unused` keeps it."""
    path = _local_path(storage, name)
    if path is not None:
        os.utime(path)
        return
    now = now or timezone.now()
    if storage.get_modified_time(name) < now - MARK_EVERY:
        write_whole(storage, name, data)


def modified_times(storage, folder):
    """Yield (name, last modified) of every file in `folder` (not its sub-folders)."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        # An object store: one listing gives every file's time, where asking file by file
        # would cost a request each.
        prefix = storage._normalize_name(folder.rstrip("/") + "/")
        location = storage.location.strip("/")
        for entry in bucket.objects.filter(Prefix=prefix):
            name = posixpath.relpath(entry.key, location) if location else entry.key
            if "/" not in name[len(folder.rstrip("/")) + 1 :]:
                yield name, entry.last_modified
        return
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        name = posixpath.join(folder, file)
        yield name, storage.get_modified_time(name)


def remove_unused(storage, folder, *, unused_for, suffixes, now=None):
    """Delete the files in `folder` ending in one of `suffixes` unused for `unused_for`.

    Returns how many were deleted.
    """
    oldest = (now or timezone.now()) - unused_for
    removed = 0
    for name, modified in list(modified_times(storage, folder)):
        if name.endswith(tuple(suffixes)) and modified < oldest:
            storage.delete(name)
            removed += 1
    return removed
