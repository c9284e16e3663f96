"""The anonymity rule's vocabulary: cells, the views offered over them (selectors), the counts per cell
(population), the decision per view, and the rule's constants and error. Pure, standard library only."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final

DEFAULT_K = 5
MIN_K = 3

SHOWN = "shown"
WITHHELD = "withheld"
EMPTY = "empty"
FEWER_THAN_K = "fewer than k responses"
PROTECTS_SMALL_GROUP = "withheld to protect a small group"
NOT_OFFERED = "not a view the dashboard offers"


class AnonymityError(ValueError):
    """Input that the anonymity rule cannot work with (k below the minimum, negative counts, bad cells)."""


class _All(Enum):
    """The 'every value' coordinate of a selector (distinct from a role that was not given, None).

    A one-member enum, so that type checkers narrow ``x is ALL`` (a plain singleton class is not narrowed)."""

    ALL = "ALL"

    def __repr__(self) -> str:
        return "ALL"

    __str__ = __repr__


ALL: Final = _All.ALL

Team = Hashable
Round = Hashable
Role = Hashable  # None means "not given"
Cell = tuple[Team, Round, Role]


def coordinate_order(value: object) -> tuple:
    """Sort key for coordinate values of mixed kinds: None last, then by type name and value."""
    return (value is None, type(value).__name__, value if value is not None else 0)


@dataclass(frozen=True)
class Selector:
    """A view the dashboard can offer: a team (or ALL), a set of rounds (or ALL), a role (or ALL).

    ``rounds`` accepts ALL, a frozenset of rounds (one round or an intervention's rounds), any set, list or
    tuple of rounds, or a single round id (wrapped into a one-round frozenset).
    """

    team: Team = ALL
    rounds: frozenset | _All = ALL
    role: Role = ALL

    def __post_init__(self) -> None:
        rounds = self.rounds
        if rounds is not ALL and not isinstance(rounds, frozenset):
            rounds = frozenset(rounds) if isinstance(rounds, (set, list, tuple)) else frozenset({rounds})
            object.__setattr__(self, "rounds", rounds)
        if rounds is not ALL and not rounds:
            raise AnonymityError("a selector needs at least one round (or ALL)")

    def contains(self, cell: Cell) -> bool:
        team, round_, role = cell
        return (
            (self.team is ALL or self.team == team)
            and (self.rounds is ALL or round_ in self.rounds)
            and (self.role is ALL or self.role == role)
        )

    @property
    def label(self) -> str:
        team = "all teams" if self.team is ALL else f"team {self.team}"
        if self.rounds is ALL:
            rounds = "all rounds"
        elif len(self.rounds) == 1:
            rounds = f"round {next(iter(self.rounds))}"
        else:
            rounds = "rounds " + ", ".join(str(r) for r in sorted(self.rounds, key=coordinate_order))
        if self.role is ALL:
            role = "all roles"
        elif self.role is None:
            role = "role not given"
        else:
            role = f"role {self.role}"
        return f"{team} · {rounds} · {role}"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Population:
    """Response counts of one organisation per atomic cell (team, round, role). Zero counts are allowed
    and make a team, round or role known (its views are then "empty")."""

    counts: Mapping[Cell, int]

    def __post_init__(self) -> None:
        problems, clean = [], {}
        for cell, n in self.counts.items():
            if not isinstance(cell, tuple) or len(cell) != 3:
                problems.append(f"cell {cell!r} is not a (team, round, role) triple")
            elif any(value is ALL for value in cell):
                problems.append(f"cell {cell!r} uses ALL as a value")
            elif isinstance(n, bool) or not isinstance(n, int) or n < 0:
                problems.append(f"cell {cell!r}: count {n!r} is not a whole number >= 0")
            else:
                clean[cell] = n
        if problems:
            raise AnonymityError("; ".join(problems))
        object.__setattr__(self, "counts", MappingProxyType(clean))

    @property
    def teams(self) -> tuple[Team, ...]:
        return tuple(sorted({cell[0] for cell in self.counts}, key=coordinate_order))

    @property
    def rounds(self) -> tuple[Round, ...]:
        return tuple(sorted({cell[1] for cell in self.counts}, key=coordinate_order))

    @property
    def roles(self) -> tuple[Role, ...]:
        return tuple(sorted({cell[2] for cell in self.counts}, key=coordinate_order))

    def n(self, selector: Selector) -> int:
        return sum(n for cell, n in self.counts.items() if selector.contains(cell))


@dataclass(frozen=True)
class Decision:
    """Whether a view may be shown. ``n`` is given only when shown (0 when empty): a withheld view's count
    is not for display. ``reason`` is FEWER_THAN_K (primary), PROTECTS_SMALL_GROUP (secondary) or
    NOT_OFFERED; pages translate these into their own words."""

    status: str
    reason: str | None = None
    n: int | None = None

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    @property
    def withheld(self) -> bool:
        return self.status == WITHHELD

    @property
    def empty(self) -> bool:
        return self.status == EMPTY
