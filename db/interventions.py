"""Data access for interventions (the open list and each organisation's own list): keyword-only functions
that take a Session and never commit; the service layer owns the transaction."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Intervention


def list_interventions(session: Session, *, active_only: bool = True, organisation_id: int | None = None) -> list[str]:
    """Intervention names, sorted case-insensitively (the same on every backend).

    Without organisation_id: the open list offered on the plain start page; with it, that
    organisation's own interventions.
    """
    query = select(Intervention.name).where(_of_organisation(organisation_id))
    if active_only:
        query = query.where(Intervention.active.is_(True))
    return sorted(session.scalars(query), key=lambda name: (name.casefold(), name))


def add_intervention(session: Session, *, name: str, organisation_id: int | None = None) -> Intervention:
    """Add an intervention to the open list, or to an organisation's own list.

    An existing name in the same list (active or not) returns the existing row. Names are
    unique per list; the index uq_intervention_name_open keeps the open list's unique too,
    which a plain UNIQUE(organisation_id, name) would not (NULLs count as distinct).
    """
    name = name.strip()
    if not name:
        raise ValueError("an intervention needs a name")
    existing = _intervention_by_name(session, name, organisation_id)
    if existing is not None:
        return existing
    intervention = Intervention(name=name, organisation_id=organisation_id)
    try:
        with session.begin_nested():
            session.add(intervention)
    except IntegrityError:
        existing = _intervention_by_name(session, name, organisation_id)
        if existing is None:
            raise
        return existing
    return intervention


def _of_organisation(organisation_id: int | None) -> ColumnElement[bool]:
    if organisation_id is None:
        return Intervention.organisation_id.is_(None)
    return Intervention.organisation_id == organisation_id


def _intervention_by_name(session: Session, name: str, organisation_id: int | None) -> Intervention | None:
    query = select(Intervention).where(Intervention.name == name, _of_organisation(organisation_id))
    return session.scalar(query)
