"""Fingerprints of paper-imported responses (services/data_tools/response_import.py): which rows were imported before.

Repository functions: they take the session and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Response

_CHUNK = 500  # fingerprints per IN (...): well below every backend's limit on bound parameters


def imported_before(session: Session, *, fingerprints: Sequence[str]) -> dict[str, datetime]:
    """Those of `fingerprints` that stored responses have, each with when it was first imported."""
    found: dict[str, datetime] = {}
    unique = sorted(set(fingerprints))
    for start in range(0, len(unique), _CHUNK):
        query = (
            select(Response.import_fingerprint, func.min(Response.created_at))
            .where(Response.import_fingerprint.in_(unique[start : start + _CHUNK]))
            .group_by(Response.import_fingerprint)
        )
        found.update({fingerprint: at for fingerprint, at in session.execute(query) if fingerprint is not None})
    return found


def mark_imported(session: Session, *, fingerprints: Mapping[int, str]) -> None:
    """Note the import fingerprint of each response id."""
    if fingerprints:
        session.execute(
            update(Response),
            [
                {"id": response_id, "import_fingerprint": fingerprint}
                for response_id, fingerprint in fingerprints.items()
            ],
        )
