"""Verification by exact linear algebra over the rationals: a sparse fully reduced elimination of the
shown views, an exhaustive search for any small group in their span, and the shown views each leak needs."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from fractions import Fraction

from .lattice import Lattice

Number = int | Fraction  # exact coefficients: whole numbers stay ints


def axpy(target: dict, factor, source: dict) -> None:
    """target += factor * source, dropping entries that become zero (and keeping whole numbers ints)."""
    get, pop = target.get, target.pop
    for column, value in source.items():
        updated = get(column, 0) + factor * value
        if not updated:
            pop(column, None)
        elif type(updated) is Fraction and updated.denominator == 1:
            target[column] = updated.numerator
        else:
            target[column] = updated


def _normalised(value):
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


_CREATED, _UPDATED, _DEPENDENT = "created", "updated", "dependent"


class Span:
    """A fully reduced row echelon form (over the rationals) of 0/1 rows over atoms, built row by row.

    Every row operation is logged, so that a combination of the final rows can be traced back to the
    input rows afterwards (in reverse, like reverse-mode differentiation) without carrying a dense
    combination along with every row during the elimination.
    """

    def __init__(self, preferred_pivots: AbstractSet[int] = frozenset()):
        self.preferred = preferred_pivots
        self.pivot_rows: dict[int, dict] = {}  # pivot column -> row (1 at the pivot, 0 at other pivots)
        self.users: dict[int, set[int]] = defaultdict(set)  # free column -> pivots whose row uses it
        self.log: list[tuple] = []

    def add(self, row: dict, label: int) -> None:
        row = dict(row)
        steps = []
        for column in [c for c in row if c in self.pivot_rows]:
            factor = -row[column]  # unchanged by earlier steps: pivot rows are zero at other pivots
            axpy(row, factor, self.pivot_rows[column])
            steps.append((column, factor))
        if not row:
            self.log.append((_DEPENDENT, label, steps))
            return
        # Pivoting on the earliest atom (cells are numbered by team, round, role) keeps the fill-in and the
        # later search small; atoms too large for a small group go first so that the search has fewer starts.
        pivot = min(row, key=lambda c: (c not in self.preferred, c))
        scale = row[pivot]
        if scale == -1:
            row = {c: -v for c, v in row.items()}
        elif scale != 1:
            row = {c: _normalised(Fraction(v) / scale) for c, v in row.items()}
        self.log.append((_CREATED, label, steps, pivot, scale))
        for other in self.users.pop(pivot, set()):
            other_row = self.pivot_rows[other]
            factor = -other_row[pivot]
            before = set(other_row)
            axpy(other_row, factor, row)
            self.log.append((_UPDATED, other, pivot, factor))
            for column in before - set(other_row) - {pivot}:
                self.users[column].discard(other)
            for column in set(other_row) - before:
                self.users[column].add(other)
        self.pivot_rows[pivot] = row
        for column in row:
            if column != pivot:
                self.users[column].add(pivot)

    def origin(
        self, final: Mapping[int, Number], dependency_weight: Callable[[int], int] | None = None
    ) -> dict[int, Number]:
        """The input rows (label -> coefficient) whose combination equals sum(final[p] * pivot row p);
        with ``dependency_weight(label)``, plus that weighted sum of the combinations found to be zero."""
        coefficient = {p: c for p, c in final.items() if c}
        result: dict[int, Number] = {}
        for event in reversed(self.log):
            if event[0] == _UPDATED:  # row[other] (after) = row[other] (before) + factor * row[pivot]
                _, other, pivot, factor = event
                if coefficient.get(other):
                    axpy(coefficient, coefficient[other] * factor, {pivot: 1})
                continue
            if event[0] == _CREATED:  # row[pivot] = (input + sum(factor * row[q])) / scale
                _, label, steps, pivot, scale = event
                weight = coefficient.pop(pivot, 0)
                if weight and scale != 1:
                    weight = _normalised(Fraction(weight) / scale)
            else:  # 0 = input + sum(factor * row[q])
                _, label, steps = event
                weight = dependency_weight(label) if dependency_weight else 0
            if weight:
                axpy(result, weight, {label: 1})
                for column, factor in steps:
                    axpy(coefficient, weight * factor, {column: 1})
        return result


def revealed_groups(
    span: Span, weight: list[int], k: int, accept: Callable[[frozenset[int]], bool] | None = None
) -> Iterator[frozenset[int]]:
    """Sets of atoms with 0 < n < k whose indicator is in the span: one for each pivot that is the first
    atom of such a set. The search is exhaustive: nothing is yielded only if no such set exists.

    x is in the row space of a fully reduced echelon form iff x == sum over pivots p of x[p] * row_p. For a
    0/1 vector with support S: the sum of the rows of S's pivots must be 1 on S's free columns and 0 on the
    other free columns. So S holds a pivot; numbering pivots first, S is searched from its first atom, and
    each step adds an atom able to change one free column that is still unbalanced (the column with the
    fewest such atoms), within the k - 1 responses a small group can hold.

    With ``accept``, only groups it accepts are yielded (the others are searched past). Still exhaustive:
    the search stops at a balanced subset S of a wanted X only if S is in the span, and then so is the
    smaller X - S, which is wanted whenever S is not (``accept`` = "not in a subspace").
    """
    pivots = sorted(span.pivot_rows)
    free = sorted({c for row in span.pivot_rows.values() for c in row} - span.pivot_rows.keys())
    order = pivots + free
    position = {atom: i for i, atom in enumerate(order)}
    size = [weight[atom] for atom in order]
    n_pivots = len(pivots)
    changes = [{position[c]: v for c, v in span.pivot_rows[p].items() if c != p} for p in pivots]
    # For each free column, the atoms (positions, ascending) small enough to join a group and able to
    # change it - the pivots whose rows use it, then the free atom itself - and, from each of them on,
    # the smallest size among the rest (to see at once whether a column can still be balanced).
    able: dict[int, list[int]] = {}
    cheapest: dict[int, list[int]] = {}
    for column in free:
        candidates = sorted(position[p] for p in span.users.get(column, ()) if weight[p] < k)
        if weight[column] < k:
            candidates.append(position[column])
        able[position[column]] = candidates
        suffix, smallest = [], k
        for atom in reversed(candidates):
            smallest = min(smallest, size[atom])
            suffix.append(smallest)
        cheapest[position[column]] = suffix[::-1] + [k]

    for start in range(n_pivots):
        if size[start] >= k:
            continue
        seen: set[frozenset[int]] = set()

        def grow(group: frozenset[int], residual: dict[int, object], budget: int) -> frozenset[int] | None:
            if not residual:
                if accept is None or accept(frozenset(order[i] for i in group)):
                    return group
                return None
            if group in seen:
                return None
            seen.add(group)
            best, best_from = None, 0
            for column in residual:
                candidates = able[column]
                first = bisect_right(candidates, start)
                if cheapest[column][first] > budget:
                    return None  # no atom after the start that fits the budget can balance it
                if best is None or len(candidates) - first < len(best) - best_from:
                    best, best_from = candidates, first
            assert best is not None, "residual is non-empty, so some column set best"
            for atom in best[best_from:]:
                if atom in group or size[atom] > budget:
                    continue
                following = dict(residual)
                axpy(following, 1, changes[atom]) if atom < n_pivots else axpy(following, -1, {atom: 1})
                found = grow(group | {atom}, following, budget - size[atom])
                if found is not None:
                    return found
            return None

        found = grow(frozenset({start}), dict(changes[start]), k - 1 - size[start])
        if found is not None:
            yield frozenset(order[i] for i in found)


@dataclass
class Leak:
    cells: list[int]
    used_sets: list[int]  # the shown sets one subtraction revealing the cells uses
    essential_sets: list[int]  # those among them that every such subtraction needs


def find_leaks(lattice: Lattice, withheld: list[bool], k: int) -> list[Leak]:
    """Small groups that the shown sets reveal, each with the shown sets one subtraction revealing it uses."""
    if not any(withheld):
        return []  # every cell is shown on its own and holds at least k responses
    shown_alone = {cell for cell, set_id in lattice.singleton.items() if not withheld[set_id]}
    atoms_by_signature: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for cell, sets in enumerate(lattice.sets_of_cell):
        if cell not in shown_alone:
            signature = tuple(s for s in sets if not withheld[s])
            if signature:  # a cell in no shown set cannot be part of a revealed group
                atoms_by_signature[signature].append(cell)
    atoms = list(atoms_by_signature.values())
    weight = [sum(lattice.weight[cell] for cell in cells) for cells in atoms]
    # A shown total whose children in some line are all shown adds nothing to the span (by induction on
    # size: the children are smaller), so only the other shown sets become rows.
    fully_shown = [
        (total, children)
        for total, children in lattice.lines
        if not withheld[total] and True not in map(withheld.__getitem__, children)
    ]
    redundant = {total for total, _ in fully_shown}
    atoms_of_set: dict[int, list[int]] = defaultdict(list)
    for atom, signature in enumerate(atoms_by_signature):
        for set_id in signature:
            if set_id not in redundant:
                atoms_of_set[set_id].append(atom)
    rows: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for set_id, row_atoms in atoms_of_set.items():
        rows[tuple(row_atoms)].append(set_id)
    ordered = sorted(rows, key=len)
    large = {atom for atom, n in enumerate(weight) if n >= k}
    span = Span(large)
    for index, atoms_of_row in enumerate(ordered):
        span.add(dict.fromkeys(atoms_of_row, 1), index)
    groups = list(revealed_groups(span, weight, k))
    if not groups:
        return []
    # Which shown sets a subtraction uses, traced back through the elimination. A set is needed by every
    # subtraction unless it takes part in a dependency among the shown sets: a fully shown line, two sets
    # that differ only in cells shown on their own, or a dependency found by the elimination (all of those
    # at once through one generic combination of them).
    replaceable = {member for total, children in fully_shown for member in (total, *children)}
    replaceable.update(set_id for set_ids in rows.values() if len(set_ids) > 1 for set_id in set_ids)
    dependencies = span.origin({}, dependency_weight=lambda label: 1 + (label * 7919 + 104729) % 1000003)
    replaceable.update(set_id for index in dependencies for set_id in rows[ordered[index]])
    leaks = []
    for group in groups:
        combination = span.origin({atom: 1 for atom in group if atom in span.pivot_rows})
        used = sorted({set_id for index in combination for set_id in rows[ordered[index]]})
        leaks.append(
            Leak(
                cells=sorted(cell for atom in group for cell in atoms[atom]),
                used_sets=used,
                essential_sets=[set_id for set_id in used if set_id not in replaceable],
            )
        )
    return leaks
