"""Decisions that stay safe over time: a release of an organisation's views, checked together with every
view released before, so that no difference between two moments reveals a small group. Pure.

A release shows sums over cell sets. Whatever was shown once stays known, so the views shown before (the
ledger) are rows that can no longer be withheld. ``publishable_after`` starts from ``publishable`` (the rule
for one moment) and withholds more of the new views until the new and the old rows together reveal no group
with 0 < n < k that the old rows alone did not already reveal. (A group the old rows alone reveal was public
before this release and cannot be made secret again: it happens only after k was raised.)

Cells must mean the same responses in every release that names them: the caller freezes a round's cells
when it first releases them (services/dashboard/release.py). A cell that left (a purged round) stays in
the old rows with the weight it had, so old rows keep all they told.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import ALL, PROTECTS_SMALL_GROUP, WITHHELD, Cell, Decision, Population, Round, Selector
from .suppression import publishable
from .verification import Span, revealed_groups

_WITHHELD_OVER_TIME = Decision(WITHHELD, PROTECTS_SMALL_GROUP)


@dataclass(frozen=True)
class PastRelease:
    """What one earlier release showed of one figure: its contributors per cell then, and the cell sets of
    the views it showed."""

    weights: Mapping[Hashable, int]  # cells, and parts of cells another channel showed
    shown: tuple[frozenset, ...]


def view_cells(population: Population, selectors: Iterable[Selector]) -> dict[Selector, frozenset[Cell]]:
    """The non-empty cells of each view (cell by cell: each cell lies in at most a few dozen views)."""
    wanted = list(selectors)
    by_key: dict[tuple, list[Selector]] = defaultdict(list)
    for selector in wanted:
        by_key[selector.team, selector.role].append(selector)
    found: dict[Selector, set[Cell]] = {selector: set() for selector in wanted}
    for cell, n in population.counts.items():
        if n <= 0:
            continue
        team, round_, role = cell
        for key in ((team, role), (ALL, role), (team, ALL), (ALL, ALL)):
            for selector in by_key.get(key, ()):
                if selector.rounds is ALL or round_ in selector.rounds:
                    found[selector].add(cell)
    return {selector: frozenset(cells) for selector, cells in found.items()}


def publishable_after(
    population: Population,
    k: int,
    round_groups: Mapping[str, Iterable[Round]] | None,
    past: Sequence[PastRelease],
    parts: Mapping[Cell, Mapping[Hashable, int]] | None = None,
) -> dict[Selector, Decision]:
    """``publishable`` for this moment, with more views withheld where they and the views of ``past``
    together would reveal a small group that ``past`` alone did not.

    ``parts`` splits cells into the parts another channel showed on their own (a workshop tied to a survey
    round showed the first responses of its team's cell): part -> its contributors. A row holding a cell
    holds its parts; the cell itself keeps the rest. Rows of ``past`` may name parts directly."""
    decisions = publishable(population, k, round_groups)
    old_rows = {row for release in past for row in release.shown if row}
    if not old_rows:
        return decisions
    shown = [selector for selector, decision in decisions.items() if decision.shown]
    cells_of = view_cells(population, shown)
    weight: dict[Hashable, int] = {}
    for release in past:
        weight.update(release.weights)
    weight.update(population.counts.items())
    if parts:
        for cell, split in parts.items():
            weight.update(split)
            if cell in weight:
                weight[cell] = max(0, weight[cell] - sum(split.values()))
        # A part nobody is in is known to be empty: it is no unknown of the rows.
        old_rows = {row for row in (_with_parts(row, parts, weight) for row in old_rows) if row}
        cells_of = {selector: _with_parts(row, parts, weight) for selector, row in cells_of.items()}
    if old_rows <= set(cells_of.values()):
        return decisions  # nothing old that is not shown again: the new rows alone were verified
    withheld = _withheld_over_time(sorted(old_rows, key=_row_key), cells_of, weight, k)
    for selector in withheld:
        decisions[selector] = _WITHHELD_OVER_TIME
    return decisions


def _with_parts(
    row: frozenset, parts: Mapping[Cell, Mapping[Hashable, int]], weight: Mapping[Hashable, int]
) -> frozenset:
    """The row with the parts of its cells, without what holds nobody."""
    whole = row | {part for cell in row if cell in parts for part in parts[cell]}
    return frozenset(cell for cell in whole if weight.get(cell, 0) > 0)


def _row_key(cells: frozenset[Hashable]) -> tuple:
    # Cells mix ints and None: a stable order needs a key that compares.
    return tuple(sorted(map(repr, cells)))


def _withheld_over_time(
    old_rows: list[frozenset[Hashable]],
    cells_of: Mapping[Selector, frozenset[Hashable]],
    weight: Mapping[Hashable, int],
    k: int,
) -> set[Selector]:
    """The new views to withhold, chosen one leak at a time (the smallest view each leak needs)."""
    old = set(old_rows)
    candidates: dict[frozenset[Hashable], list[Selector]] = defaultdict(list)
    for selector, cells in cells_of.items():
        if cells and cells not in old:
            candidates[cells].append(selector)
    withheld: set[Selector] = set()
    while True:
        new_rows = sorted(
            (row for row, selectors in candidates.items() if not withheld.issuperset(selectors)),
            key=lambda row: (sum(weight[c] for c in row), _row_key(row)),
        )
        leak = _first_new_leak(old_rows, new_rows, weight, k)
        if leak is None:
            return withheld
        victim = min(leak, key=lambda row: (sum(weight[c] for c in row), _row_key(row)))
        withheld.update(candidates[victim])


def _first_new_leak(
    old_rows: list[frozenset[Hashable]], new_rows: list[frozenset[Hashable]], weight: Mapping[Hashable, int], k: int
) -> list[frozenset[Hashable]] | None:
    """The new rows that one subtraction revealing a new small group uses, or None when there is none."""
    rows = old_rows + new_rows
    signature: dict[Hashable, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        for cell in row:
            signature[cell].append(index)
    atom_of_signature: dict[tuple[int, ...], int] = {}
    atom_weight: list[int] = []
    atom_of_cell: dict[Hashable, int] = {}
    for cell, members in signature.items():
        atom = atom_of_signature.setdefault(tuple(members), len(atom_weight))
        if atom == len(atom_weight):
            atom_weight.append(0)
        atom_weight[atom] += weight.get(cell, 0)
        atom_of_cell[cell] = atom
    atom_rows = [dict.fromkeys({atom_of_cell[c] for c in row}, 1) for row in rows]
    large = {atom for atom, n in enumerate(atom_weight) if n >= k}
    old_span, span = Span(large), Span(large)
    for index, atom_row in enumerate(atom_rows):
        if index < len(old_rows):
            old_span.add(atom_row, index)
        span.add(atom_row, index)

    def new_knowledge(group: frozenset[int]) -> bool:
        return not _in_span(old_span, group)

    for group in revealed_groups(span, atom_weight, k, accept=new_knowledge):
        combination = span.origin({atom: 1 for atom in group if atom in span.pivot_rows})
        used = [rows[label] for label in combination if label >= len(old_rows)]
        if used:  # always, as the group is not in the old rows' span
            return used
    return None


def _in_span(span: Span, atoms: frozenset[int]) -> bool:
    """Is the indicator of ``atoms`` a combination of the span's rows? (Fully reduced: x is in the row
    space iff x equals the sum over pivots p of x[p] times row p.)"""
    combined: dict[int, object] = {}
    for pivot, row in span.pivot_rows.items():
        if pivot in atoms:
            for column, value in row.items():
                combined[column] = combined.get(column, 0) + value
    return {c for c, v in combined.items() if v} == set(atoms) and all(combined[a] == 1 for a in atoms)


__all__ = ["PastRelease", "publishable_after", "view_cells"]
