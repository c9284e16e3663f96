"""An independent differencing attacker on published sums (for tests; imports nothing from the app).

Model. Respondents have opaque hashable ids. A publication (family, members) shows the sum over `members`
of a hidden per-respondent value of that family, and |members|; families never combine. Publications
accumulate and are never forgotten. A group G with 0 < |G| < k is revealed in family f when its indicator
vector is a rational linear combination of the indicator vectors of f's publications.

Method, exact (integers only). Respondents in the same publications of f are interchangeable: every
publication is constant on such an "atom", so every vector of the span is, and a revealed group is a union
of whole atoms. The span is kept in reduced row echelon form over the atoms, one publication at a time: a
publication that splits an atom duplicates its column, which leaves the form reduced (the copy is a
non-pivot column). x is in the span iff x[j] = sum_p x[p] R_p[j] / R_p[p] for every non-pivot column j:
one equation per such column.

Search, exhaustive. A depth-first search adds atoms of weight < k while some equation is unbalanced,
branching over the candidates of the unbalanced equation with fewest, each one excluded from the later
siblings. Any revealed group G is reached: on the branch of its first atom, while the chosen atoms C (a
subset of G) leave an equation unbalanced, that equation is balanced on G, so G - C holds one of its
candidates (it fits, weight(G) < k); following the first such keeps C inside G and every excluded atom
outside. Each step adds weight, k - 1 at most, so a balanced C inside G is reached: a revealed group.
With `since`, a balanced C already revealed at the checkpoint is pruned: on the way to a smallest new leak
G such a C cannot occur, as G - C would be a smaller new leak. Exponential in k at worst (dense,
unstructured publications); margins of tables and their changes over time take milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from math import gcd, lcm

Row = dict[int, int]  # atom -> non-zero integer coefficient


class Attacker:
    """Everything published so far, per family; asks which small groups it reveals."""

    def __init__(self, k: int):
        self.k = _checked(k)
        self._published: dict[str, list[frozenset]] = {}
        self._seen: dict[str, set[frozenset]] = {}
        self._interned: dict[frozenset, frozenset] = {}  # equal publications shared: cheap to compare
        self._spans: dict[str, _Span] = {}  # the latest span computed per family (may lag behind)

    def publish(self, family: str, members: Iterable[Hashable]) -> None:
        """Someone saw the sum of `family`'s hidden value over `members` (and their count)."""
        members = frozenset(members)
        members = self._interned.setdefault(members, members)
        seen = self._seen.setdefault(family, set())
        if members and members not in seen:
            seen.add(members)
            self._published.setdefault(family, []).append(members)

    def checkpoint(self) -> Checkpoint:
        """What is published now, to pass later as `since`."""
        return Checkpoint({family: self._span(family) for family in self._published})

    def reveals(self, family: str, group: Iterable[Hashable]) -> bool:
        """Whether `group` (any size; the empty group trivially) lies in the span of `family`'s publications."""
        return self._span(family).contains(frozenset(group))

    def revealed_small_groups(
        self, k: int | None = None, limit: int = 1, since: Checkpoint | None = None
    ) -> list[tuple[str, frozenset]]:
        """Up to `limit` distinct (family, group), families in sorted order, with 0 < |group| < k (default:
        the constructor's k) revealed now and, given `since`, not revealed at that checkpoint already.
        Exhaustive: [] means no such group exists in any family."""
        k = self.k if k is None else _checked(k)
        found: list[tuple[str, frozenset]] = []
        for family in sorted(self._published):
            if len(found) >= limit:
                break
            span = self._span(family)
            before = None if since is None else since.spans.get(family, _EMPTY)
            if before is not span:  # else nothing was published since
                found += [(family, group) for group in span.small_groups(k, limit - len(found), before)]
        return found

    def _span(self, family: str) -> _Span:
        published, span = self._published.get(family, []), self._spans.get(family, _EMPTY)
        if len(span.publications) < len(published):
            everything = tuple(published)
            alike = [other for other in self._spans.values() if other.publications == everything]
            span = alike[0] if alike else span.extended(published[len(span.publications) :])
            self._spans[family] = span
        return span


class Checkpoint:
    """The publications of every family at one moment (from Attacker.checkpoint(); opaque)."""

    def __init__(self, spans: dict[str, _Span]):
        self.spans = spans


def _checked(k: int) -> int:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return k


class _Span:
    """The span of one family's publications over its atoms, in reduced row echelon form. Not changed once
    built: extended() returns a new one."""

    def __init__(self) -> None:
        self.publications: tuple[frozenset, ...] = ()
        self.atom_of: dict[Hashable, int] = {}
        self.members: list[set] = []  # atom -> its respondents
        self.rows: dict[int, Row] = {}  # pivot atom -> row; every other row is 0 at that pivot
        self._equations: list[Row] | None = None
        self._found: dict[tuple, list[frozenset]] = {}

    def extended(self, publications: list[frozenset]) -> _Span:
        span = _Span()
        span.atom_of, span.members = dict(self.atom_of), [set(members) for members in self.members]
        span.rows = {pivot: dict(row) for pivot, row in self.rows.items()}
        for members in publications:
            span._add(members)
        span.publications = self.publications + tuple(publications)
        return span

    def _add(self, members: frozenset) -> None:
        parts: dict[int | None, set] = {}
        for who in members:
            parts.setdefault(self.atom_of.get(who), set()).add(who)
        atoms = [
            self._new_atom(inside, atom) if atom is None or len(inside) < len(self.members[atom]) else atom
            for atom, inside in parts.items()
        ]
        rest = self._reduced(dict.fromkeys(atoms, 1))
        if rest:
            pivot = min(rest)
            for other, row in list(self.rows.items()):
                if pivot in row:
                    self.rows[other] = _eliminate(row, rest, pivot)
            self.rows[pivot] = rest

    def _new_atom(self, inside: set, split: int | None) -> int:
        """An atom for `inside`, taken out of atom `split` (None: respondents not seen before)."""
        atom = len(self.members)
        self.members.append(inside)
        self.atom_of.update(dict.fromkeys(inside, atom))
        if split is not None:
            self.members[split] -= inside
            for row in self.rows.values():
                if split in row:
                    row[atom] = row[split]
        return atom

    def _reduced(self, row: Row) -> Row:
        """What remains of `row` after subtracting the pivot rows: empty iff it is in the span."""
        for pivot in [atom for atom in row if atom in self.rows]:
            row = _eliminate(row, self.rows[pivot], pivot)
        return row

    def contains(self, group: frozenset) -> bool:
        atoms = {self.atom_of.get(who) for who in group}
        if None in atoms or sum(len(self.members[atom]) for atom in atoms) != len(group):
            return False  # not a union of whole atoms
        return not self._reduced(dict.fromkeys(atoms, 1))

    def equations(self) -> list[Row]:
        """One per non-pivot atom j: scale * x[j] - sum_p scale * R_p[j] / R_p[p] * x[p] = 0, in integers."""
        if self._equations is None:
            columns: dict[int, Row] = {}
            for pivot, row in self.rows.items():
                for atom, value in row.items():
                    if atom != pivot:
                        columns.setdefault(atom, {})[pivot] = value
            self._equations = []
            for free, column in columns.items():
                scale = lcm(*(self.rows[pivot][pivot] for pivot in column))
                self._equations.append(
                    {
                        free: scale,
                        **{pivot: -value * scale // self.rows[pivot][pivot] for pivot, value in column.items()},
                    }
                )
        return self._equations

    def small_groups(self, k: int, limit: int, before: _Span | None) -> list[frozenset]:
        if (k, limit, before) not in self._found:

            def group(atoms: list[int]) -> frozenset:
                return frozenset(who for atom in atoms for who in self.members[atom])

            known = (lambda atoms: False) if before is None else (lambda atoms: before.contains(group(atoms)))
            weights = {atom: len(members) for atom, members in enumerate(self.members)}
            found = _search(weights, self.equations(), k, limit, known)
            self._found[k, limit, before] = [group(atoms) for atoms in found]
        return self._found[k, limit, before]


_EMPTY = _Span()


def _eliminate(row: Row, base: Row, pivot: int) -> Row:
    """row * base[pivot] - base * row[pivot]: zero at pivot; divided by the gcd of its coefficients."""
    a, b = row[pivot], base[pivot]
    out = dict(row) if b == 1 else {atom: value * b for atom, value in row.items()}
    for atom, value in base.items():
        value = out.get(atom, 0) - value * a
        if value:
            out[atom] = value
        else:
            del out[atom]
    divisor = gcd(*out.values())
    return out if divisor <= 1 else {atom: value // divisor for atom, value in out.items()}


def _search(
    weights: dict[int, int], equations: list[Row], k: int, limit: int, known: Callable[[list[int]], bool]
) -> list[list[int]]:
    """Up to `limit` sets of atoms of total weight in [1, k) balancing every equation (see module doc)."""
    touches: dict[int, list[tuple[int, int]]] = {atom: [] for atom in weights}
    for index, equation in enumerate(equations):
        for atom, coefficient in equation.items():
            touches[atom].append((index, coefficient))
    found: list[list[int]] = []
    chosen: list[int] = []
    blocked: set[int] = set()  # chosen, or excluded by an earlier sibling
    unbalanced: dict[int, int] = {}  # equation -> its non-zero sum over the chosen atoms

    def shift(atom: int, sign: int) -> None:
        for index, coefficient in touches[atom]:
            value = unbalanced.pop(index, 0) + sign * coefficient
            if value:
                unbalanced[index] = value

    def branch(candidates: Iterable[int], weight: int) -> None:
        tried = []
        for atom in candidates:
            if atom in blocked or weight + weights[atom] >= k:
                continue
            chosen.append(atom)
            blocked.add(atom)
            shift(atom, 1)
            descend(weight + weights[atom])
            shift(atom, -1)
            chosen.pop()
            tried.append(atom)  # stays blocked for the later siblings
            if len(found) >= limit:
                break
        blocked.difference_update(tried)

    def descend(weight: int) -> None:
        if not unbalanced:
            if not known(chosen):
                found.append(list(chosen))
            return
        best: list[int] = []
        for number, index in enumerate(unbalanced):
            options = [atom for atom in equations[index] if atom not in blocked and weight + weights[atom] < k]
            if not options:
                return
            if number == 0 or len(options) < len(best):
                best = options
        branch(best, weight)

    branch(list(weights), 0)
    return found
