"""Small organisation structures that several test modules build."""
from sqlalchemy.orm import Session

from db.org_models import Organisation, Team


def add_two_organisations(session: Session) -> dict[str, int]:
    """Organisations north and south, each with teams a and b, inside the caller's transaction: ids by name."""
    ids: dict[str, int] = {}
    for org_name in ("north", "south"):
        org = Organisation(name=org_name)
        session.add(org)
        session.flush()
        ids[org_name] = org.id
        for team_name in ("a", "b"):
            team = Team(organisation_id=org.id, name=team_name)
            session.add(team)
            session.flush()
            ids[f"{org_name}.{team_name}"] = team.id
    return ids
