"""The offered views as a lattice: every view the dashboard offers, the distinct cell sets behind them,
and the additive relations total = sum(children) ("lines") between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain, product

from .model import ALL, AnonymityError, Population, Round, Selector, coordinate_order


def checked_round_groups(round_groups: Mapping[str, Iterable[Round]] | None) -> dict[str, frozenset]:
    """The round groups (name -> rounds) as frozensets; AnonymityError for a group without rounds."""
    groups = {}
    for name, rounds in (round_groups or {}).items():
        rounds = frozenset(rounds)
        if not rounds:
            raise AnonymityError(f"round group {name!r} has no rounds")
        groups[name] = rounds
    return groups


def _coordinates(population: Population, groups: dict[str, frozenset]):
    rounds = sorted(set(population.rounds).union(*groups.values()), key=coordinate_order)
    singles = [frozenset({r}) for r in rounds]
    unions = []
    for rounds_of_group in groups.values():
        if len(rounds_of_group) > 1 and rounds_of_group not in unions:
            unions.append(rounds_of_group)
    unions.sort(key=lambda g: sorted(coordinate_order(r) for r in g))
    return ([ALL, *population.teams], [ALL, *singles, *unions], [ALL, *population.roles], rounds, unions)


def offered_sets(population: Population, round_groups: Mapping[str, Iterable[Round]] | None = None) -> list[Selector]:
    """Every view the dashboard can show: ALL or each team x ALL, each round or each intervention's rounds
    x ALL or each role observed (None = "not given")."""
    teams, round_coords, roles, _, _ = _coordinates(population, checked_round_groups(round_groups))
    return [Selector(t, r, o) for t, r, o in product(teams, round_coords, roles)]


class Lattice:
    """The offered views as distinct sets of non-empty cells ("canonical" sets) and the lines between them.

    Views are numbered team-major over their coordinate indices (0 = ALL). Views that hold exactly the
    same non-empty cells publish exactly the same sums, so they share one canonical set and one decision.
    """

    def __init__(self, population: Population, groups: dict[str, frozenset]):
        teams, round_coords, roles, rounds, unions = _coordinates(population, groups)
        self.selectors = [Selector(t, r, o) for t, r, o in product(teams, round_coords, roles)]
        self.shape = n_teams, n_rounds, n_roles = len(teams), len(round_coords), len(roles)
        n_singles = len(rounds)
        team_index = {t: i for i, t in enumerate(teams[1:], 1)}
        role_index = {o: i for i, o in enumerate(roles[1:], 1)}
        round_index = {r: i for i, r in enumerate(rounds, 1)}
        self.round_members = [
            list(range(1, n_singles + 1)),
            *([i] for i in range(1, n_singles + 1)),
            *(sorted(round_index[r] for r in g) for g in unions),
        ]
        indexed = sorted(
            (team_index[t], round_index[r], role_index[o], n) for (t, r, o), n in population.counts.items() if n > 0
        )
        self.weight = [n for *_, n in indexed]
        # The cells and n of every view, built from the atomic cells upwards. Cells are numbered in
        # (team, round, role) order, so every concatenation below stays sorted.
        size = n_teams * n_rounds * n_roles
        cells: list[list[int]] = [[] for _ in range(size)]
        total = [0] * size
        for cell_id, (t, r, o, n) in enumerate(indexed):
            view = (t * n_rounds + r) * n_roles + o
            cells[view], total[view] = [cell_id], n

        def gather(view: int, parts: Iterable[int]) -> None:
            parts = list(parts)
            cells[view] = list(chain.from_iterable(cells[p] for p in parts))
            total[view] = sum(total[p] for p in parts)

        for t in range(1, n_teams):
            for r in range(1, n_singles + 1):
                base = (t * n_rounds + r) * n_roles
                gather(base, range(base + 1, base + n_roles))
            for o in range(n_roles):
                for coord in (0, *range(n_singles + 1, n_rounds)):
                    gather(
                        (t * n_rounds + coord) * n_roles + o,
                        ((t * n_rounds + r) * n_roles + o for r in self.round_members[coord]),
                    )
        block = n_rounds * n_roles
        for view in range(block):
            gather(view, range(view + block, size, block))
        # One canonical set per distinct non-empty cell set.
        self.id_of_cells: dict[tuple[int, ...], int] = {}
        self.cells_of: list[tuple[int, ...]] = []
        self.n: list[int] = []
        self.view_set: list[int | None] = []  # view number -> canonical set (None when empty)
        for view in range(size):
            key = tuple(cells[view])
            if not key:
                self.view_set.append(None)
                continue
            set_id = self.id_of_cells.setdefault(key, len(self.cells_of))
            if set_id == len(self.cells_of):
                self.cells_of.append(key)
                self.n.append(total[view])
            self.view_set.append(set_id)
        self.singleton = {key[0]: set_id for key, set_id in self.id_of_cells.items() if len(key) == 1}
        self.singleton_set = set(self.singleton.values())
        self.lines = self._lines(n_singles)
        self.lines_of: list[list[int]] = [[] for _ in self.cells_of]
        for index, (line_total, children) in enumerate(self.lines):
            self.lines_of[line_total].append(index)
            for member in children:
                self.lines_of[member].append(index)
        self._sets_of_cell: list[list[int]] | None = None

    @property
    def sets_of_cell(self) -> list[list[int]]:
        """The canonical sets holding each cell (built on first use: only verification needs it)."""
        if self._sets_of_cell is None:
            self._sets_of_cell = [[] for _ in self.weight]
            for set_id, key in enumerate(self.cells_of):
                for cell_id in key:
                    self._sets_of_cell[cell_id].append(set_id)
        return self._sets_of_cell

    def _lines(self, n_singles: int) -> list[tuple[int, tuple[int, ...]]]:
        """Every additive relation total = sum(children) between views that differ in one coordinate."""
        n_teams, n_rounds, n_roles = self.shape
        view_set = self.view_set
        found: dict[tuple[int, tuple[int, ...]], None] = {}

        def add(total: int | None, children: Iterable[int | None]) -> None:
            child_ids = tuple(c for c in children if c is not None)
            if total is not None and total not in child_ids:  # else empty, or one child = the total
                found[total, child_ids] = None

        # Round coordinates that partition a wider one: the single rounds, and (greedily) the widest
        # disjoint interventions inside it topped up with single rounds, e.g. all rounds = EHR + Telecare.
        partitions = []
        for parent in (0, *range(n_singles + 1, n_rounds)):
            inside = set(self.round_members[parent])
            partitions.append((parent, sorted(inside)))
            nested = sorted(
                (c for c in range(n_singles + 1, n_rounds) if c != parent and set(self.round_members[c]) < inside),
                key=lambda c: (-len(self.round_members[c]), c),
            )
            chosen: list[int] = []
            covered: set[int] = set()
            for coord in nested:
                if covered.isdisjoint(self.round_members[coord]):
                    chosen.append(coord)
                    covered.update(self.round_members[coord])
            if chosen:
                partitions.append((parent, chosen + sorted(inside - covered)))

        block = n_rounds * n_roles
        for view in range(block):  # teams within (rounds, role)
            add(view_set[view], view_set[view + block :: block])
        for t, r in product(range(n_teams), range(n_rounds)):  # roles within (team, rounds)
            base = (t * n_rounds + r) * n_roles
            add(view_set[base], view_set[base + 1 : base + n_roles])
        for t, o in product(range(n_teams), range(n_roles)):  # rounds within (team, role)
            base = t * block + o
            for parent, parts in partitions:
                add(view_set[base + parent * n_roles], (view_set[base + r * n_roles] for r in parts))
        return list(found)
