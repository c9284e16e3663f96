"""What a manager asks the dashboard to show: organisation, and optionally team, intervention, role and round."""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import InvalidInput


@dataclass(frozen=True)
class Filters:
    """What the manager asked to see. Ids are questions to authorise and check, never answers."""

    organisation_id: int
    team_id: int | None = None
    intervention_id: int | None = None
    role: str | None = None  # None = all roles
    round_id: int | None = None

    def __post_init__(self) -> None:
        # Filters often come from query parameters: a "3" must not reach a lookup as a string.
        for name in ("organisation_id", "team_id", "intervention_id", "round_id"):
            value = getattr(self, name)
            if (value is not None or name == "organisation_id") and (
                isinstance(value, bool) or not isinstance(value, int)
            ):
                raise InvalidInput(f"{name} must be a whole number, not {value!r}")
        if self.role is not None and not isinstance(self.role, str):
            raise InvalidInput(f"role must be text, not {self.role!r}")
