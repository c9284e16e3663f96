"""The key that signs backups, and the signature of a backup's manifest (HMAC-SHA256).

The manifest lists every table's row count and sha256, so a signed manifest vouches for the whole
file: a backup edited and given new checksums (an account made admin, say) no longer matches its
signature. The key is VM_BACKUP_KEY when set (the same value on several instances lets each restore
the others' backups), otherwise the key file VM_BACKUP_KEY_FILE, made by the first export and readable
by its owner only. Whoever holds the key can sign a backup: keep it apart from the backups.
Nothing here prints.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from services.errors import ServiceError
from services.settings import MIN_BACKUP_KEY_CHARS, Settings

SIGNATURE = "manifest.sig"
ALGORITHM = "HMAC-SHA256"
MAX_KEY_FILE_BYTES = 4096
_SIGNED = b"valuematch-backup-manifest\n"  # what is signed: this, then the manifest's bytes
_KEY_ID = b"valuematch-backup-key-id\n"


class SigningKeyError(ServiceError):
    """The backup key cannot be made or read; the message says why and what to do."""


@dataclass(frozen=True)
class SigningKey:
    secret: bytes = b""
    source: str = ""  # "VM_BACKUP_KEY" or the key file's path, fit to print

    @property
    def key_id(self) -> str:
        """A short name of the key, written beside each signature: tells "another key" from "changed"."""
        return hashlib.sha256(_KEY_ID + self.secret).hexdigest()[:16]


def signing_key(settings: Settings, *, create: bool) -> SigningKey | None:
    """The key of `settings`; with `create`, a new key file is made when there is none (an export).

    None when there is no key and `create` is false (an import cannot check with a key made now).
    SigningKeyError for a key file others can read, or that holds no key.
    """
    if settings.backup_key is not None:
        return SigningKey(settings.backup_key.get_secret_value().encode("utf-8"), "VM_BACKUP_KEY")
    path = settings.backup_key_file.expanduser().absolute()
    if not path.exists():
        if not create:
            return None
        _create_key_file(path)
    return _read_key_file(path)


def _create_key_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        spare = path.with_name(f".{path.name}.{os.getpid()}.new")
        descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, (secrets.token_hex(32) + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        try:
            # A link, not a rename: when two exports make a key at once, the first one's key stays.
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink(missing_ok=True)
    except OSError as exc:
        raise SigningKeyError(
            f"cannot create the backup key file {path}: {exc.strerror or exc} (set "
            "VM_BACKUP_KEY_FILE to a writable place, or give the key in VM_BACKUP_KEY)"
        ) from None


def _read_key_file(path: Path) -> SigningKey:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SigningKeyError(f"the backup key file {path} is not a file")
        if info.st_mode & 0o077:
            raise SigningKeyError(
                f"the backup key file {path} can be read by other users (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); make it owner-only: chmod 600 {path}"
            )
        with path.open("rb") as handle:
            text = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise SigningKeyError(f"cannot read the backup key file {path}: {exc.strerror or exc}") from None
    secret = text.strip()
    if len(text) > MAX_KEY_FILE_BYTES or len(secret) < MIN_BACKUP_KEY_CHARS or b"\n" in secret:
        raise SigningKeyError(
            f"the backup key file {path} does not hold a backup key (one line of at least "
            f"{MIN_BACKUP_KEY_CHARS} characters)"
        )
    return SigningKey(secret, str(path))


def signature(key: SigningKey, manifest: bytes) -> bytes:
    """The contents of the signature member for these manifest bytes."""
    mac = hmac.new(key.secret, _SIGNED + manifest, hashlib.sha256).hexdigest()
    return json.dumps({"algorithm": ALGORITHM, "key_id": key.key_id, "mac": mac}, indent=1).encode("utf-8")


def problem(key: SigningKey | None, manifest: bytes, signed: bytes | None, *, key_file: Path) -> str | None:
    """None when `signed` is `key`'s signature of `manifest`; otherwise why the file cannot be trusted."""
    if signed is None:
        return "it is not signed (made by a ValueMatch version before signed backups, or its signature was removed)"
    try:
        document = json.loads(signed)
        algorithm, key_id, mac = document["algorithm"], document["key_id"], document["mac"]
        if not all(isinstance(value, str) for value in (algorithm, key_id, mac)):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        return "its signature is damaged"
    if algorithm != ALGORITHM:
        return f"its signature is of a kind this ValueMatch does not check ({algorithm[:40]!r})"
    if key is None:
        return (
            f"there is no backup key here to check its signature with (no VM_BACKUP_KEY, no key file at "
            f"{key_file}): give the key of the ValueMatch that made it"
        )
    if key_id != key.key_id:
        return (
            f"it was signed with another backup key (key id {key_id[:16]!r}; the key in {key.source} has id "
            f"{key.key_id!r}): give that key in VM_BACKUP_KEY or VM_BACKUP_KEY_FILE"
        )
    expected = hmac.new(key.secret, _SIGNED + manifest, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac):
        return "it was changed after it was made (its signature does not match its contents)"
    return None
