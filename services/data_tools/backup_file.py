"""Reading a backup file (services/data_tools/backup.py) with a cap on everything held in memory at once, and
checking its signature (services/data_tools/backup_signing.py) before anything else in it is trusted.

A line (one row) is read with `readline(limit)`, the manifest and the signature with `read(limit)`:
a file holding one line of 150 MB is refused after reading MAX_LINE_BYTES of it, never held whole.
The zip's central directory, which `zipfile` reads whole on opening, is measured first from its end
record and refused beyond MAX_MEMBERS or MAX_DIRECTORY_BYTES. Nothing here prints.
"""

from __future__ import annotations

import itertools
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.data_tools import backup_signing as signing
from services.errors import ServiceError
from services.settings import Settings

FORMAT = "valuematch-backup"
MANIFEST = "manifest.json"
MAX_LINE_BYTES = 1 << 20  # one row with its newline; far above any row the schema allows
MAX_MANIFEST_BYTES = 1 << 20  # a manifest lists a few dozen tables: a few kB
MAX_MEMBERS = 1000  # a backup holds a file per table and two more
MAX_DIRECTORY_BYTES = 1 << 20
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")  # just before it in a zip64 file
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end record: members at [7], directory bytes at [8]


class BackupError(ServiceError):
    """A backup that cannot be written or restored; the message says why (nothing was changed)."""


class UnverifiedBackup(BackupError):
    """A backup whose signature is missing or does not match the backup key (restored only when accepted)."""


def signature_problem(settings: Settings, path: str | Path) -> str | None:
    """Why the backup at `path` is not trusted (unsigned, another key, changed), or None when its signature
    matches the backup key of `settings`. BackupError when it is no readable backup at all."""
    source = Path(path)
    with open_archive(source) as archive:
        document, _manifest = read_manifest(archive, source)
        return _problem(settings, archive, source, document)


def verified_manifest(
    settings: Settings, archive: zipfile.ZipFile, source: Path, *, accept_unsigned: bool
) -> tuple[dict[str, Any], str | None]:
    """The manifest's contents and, when accepted unverified, why its signature was not trusted.

    UnverifiedBackup when the signature is missing or does not match, unless `accept_unsigned`.
    """
    document, manifest = read_manifest(archive, source)
    unverified = _problem(settings, archive, source, document)
    if unverified and not accept_unsigned:
        raise UnverifiedBackup(
            f"{source} is not restored: {unverified}. Nothing was kept. Restore it only if "
            "you know where it comes from, with --accept-unsigned"
        )
    return manifest, unverified


def _problem(settings: Settings, archive: zipfile.ZipFile, source: Path, document: bytes) -> str | None:
    return signing.problem(
        signing.signing_key(settings, create=False),
        document,
        read_capped(archive, source, signing.SIGNATURE, MAX_MANIFEST_BYTES),
        key_file=settings.backup_key_file,
    )


def open_archive(source: Path) -> zipfile.ZipFile:
    try:
        with source.open("rb") as handle:
            members, size = _directory(handle) or (0, 0)
        if members > MAX_MEMBERS or size > MAX_DIRECTORY_BYTES:
            raise BackupError(
                f"{source} lists {members:,} files in a directory of {size:,} bytes; a ValueMatch "
                "backup lists a few dozen: not restored (damaged, or not made by export-all)"
            )
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BackupError(f"{source} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{source} is not a readable backup (damaged or truncated?): {exc}") from None


def _directory(handle: Any) -> tuple[int, int] | None:
    """(files listed, bytes) of a zip file's central directory, read from its end records as zipfile
    does; None when there is no end record (zipfile then refuses the file itself)."""
    size = handle.seek(0, os.SEEK_END)
    tail_size = min(size, _END.size + 0xFFFF)  # the record, and a comment of at most 64 kB
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _END.size > len(tail):
        return None
    members, directory = _END.unpack_from(tail, at)[4:6]
    locator = at - _END64_LOCATOR.size
    if locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        handle.seek(_END64_LOCATOR.unpack_from(tail, locator)[2])
        record = handle.read(_END64.size)
        if len(record) == _END64.size and record[:4] == b"PK\x06\x06":
            members, directory = _END64.unpack(record)[7:9]
    return members, directory


def read_capped(archive: zipfile.ZipFile, source: Path, name: str, cap: int) -> bytes | None:
    """The member `name`, or None when there is none; BackupError when it holds more than `cap` bytes."""
    try:
        with archive.open(name) as member:
            data = member.read(cap + 1)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise BackupError(f"{source}: {name} is damaged ({exc})") from None
    if len(data) > cap:
        raise BackupError(f"{source}: {name} is larger than {cap:,} bytes, which no ValueMatch backup is")
    return data


def read_manifest(archive: zipfile.ZipFile, source: Path) -> tuple[bytes, dict[str, Any]]:
    """The manifest's bytes and contents, if it is a ValueMatch backup's manifest (nothing else checked)."""
    document = read_capped(archive, source, MANIFEST, MAX_MANIFEST_BYTES)
    if document is None:
        raise BackupError(f"{source} is not a ValueMatch backup (it has no {MANIFEST})")
    try:
        manifest = json.loads(document)
    except ValueError as exc:
        raise BackupError(f"{source}: the manifest is damaged ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a ValueMatch backup (its manifest names another format)")
    return document, manifest


def member(table_name: str) -> str:
    """The name in the zip file of a table's data."""
    return f"data/{table_name}.jsonl"


def lines(archive: zipfile.ZipFile, source: Path, table_name: str, digest: Any) -> Iterator[bytes]:
    """The lines of a table's data, each fed to `digest`; BackupError for a line beyond MAX_LINE_BYTES."""
    try:
        with archive.open(member(table_name)) as data:
            for number in itertools.count(1):
                line = data.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                if len(line) > MAX_LINE_BYTES:
                    raise BackupError(
                        f"{source} is damaged: row {number} of table {table_name} is longer than "
                        f"{MAX_LINE_BYTES:,} bytes, more than export-all ever writes; nothing was kept"
                    )
                digest.update(line)
                yield line
    except KeyError:
        raise BackupError(f"{source} is damaged: it has no data for table {table_name}") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise BackupError(f"{source} is damaged (table {table_name}: {exc}); nothing was kept") from None
