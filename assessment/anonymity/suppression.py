"""Primary and secondary suppression (the lines kept balanced to a fixpoint), repeated with exact
verification until nothing small is revealed; ``publishable`` is the entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from heapq import heappop, heappush

from .lattice import Lattice, checked_round_groups
from .model import (
    ALL,
    DEFAULT_K,
    EMPTY,
    FEWER_THAN_K,
    MIN_K,
    NOT_OFFERED,
    PROTECTS_SMALL_GROUP,
    SHOWN,
    WITHHELD,
    AnonymityError,
    Decision,
    Population,
    Round,
    Selector,
)
from .verification import find_leaks

# Choosing what to withhold (``_Suppression._pick``). A headline view counts as this many more lines to
# fix for each ALL coordinate beyond the first: 2 for a team's total or a round or role across the
# organisation, 4 for the organisation's total.
HEADLINE_COST = 2
# Candidates with n below this factor times the smallest count as equal, so that the choice among them
# follows a fixed order rather than the latest response.
NEAR_EQUAL = 1.5


class _Suppression:
    """The withheld canonical sets, kept balanced along the lines.

    ``unknown[s]`` counts the responses of set s in cells that are not shown on their own: only those
    can be hidden by withholding s (a cell shown on its own is known whatever happens to s). A set is
    hidden when it is withheld and its unknown part is not empty.
    """

    def __init__(self, lattice: Lattice, k: int):
        self.lattice, self.k = lattice, k
        self.primary = [0 < n < k for n in lattice.n]
        self.withheld = [False] * len(lattice.n)
        self.unknown = [0] * len(lattice.n)
        # Finest lines first (fewest cells in the total): a coarser line then sees the choices made
        # below it and can reuse them rather than withhold a team total of its own.
        self.rank = [len(lattice.cells_of[total]) for total, _ in lattice.lines]
        self.level = [0] * len(lattice.n)  # ALL coordinates of the set's widest view
        for selector, set_id in zip(lattice.selectors, lattice.view_set):
            if set_id is not None:
                width = (selector.team is ALL) + (selector.rounds is ALL) + (selector.role is ALL)
                self.level[set_id] = max(self.level[set_id], width)
        self.pending: list[tuple[int, int]] = []
        self.queued: set[int] = set()
        for set_id, small in enumerate(self.primary):
            if small:
                self.withhold(set_id)
        self.balance()

    def withhold(self, set_id: int) -> None:
        if self.withheld[set_id]:
            return
        self.withheld[set_id] = True
        touched = [set_id]
        cells = self.lattice.cells_of[set_id]
        if len(cells) == 1:
            touched = self.lattice.sets_of_cell[cells[0]]
            for other in touched:
                self.unknown[other] += self.lattice.weight[cells[0]]
        for other in touched:
            for line in self.lattice.lines_of[other]:
                if line not in self.queued:
                    self.queued.add(line)
                    heappush(self.pending, (self.rank[line], line))

    def balance(self) -> None:
        """Withhold members of unbalanced lines until every line is balanced (a fixpoint)."""
        while self.pending:
            _, line = heappop(self.pending)
            self.queued.discard(line)
            while victims := self._victims(line):
                for victim in victims:
                    self.withhold(victim)

    def hidden(self, set_id: int) -> bool:
        return self.withheld[set_id] and self.unknown[set_id] > 0

    def balanced(self, line: int, hidden: Callable[[int], bool], unknown: Callable[[int], int]) -> bool:
        """total = sum(children) also holds for the unknown parts. While the total's unknown part is known,
        the hidden children's unknown parts add up to a known number: they must be none, or at least two
        holding k responses together. A hidden total needs a hidden child."""
        total, children = self.lattice.lines[line]
        hidden_count = hidden_sum = 0
        for child in children:
            if hidden(child):
                hidden_count += 1
                hidden_sum += unknown(child)
        if hidden(total):
            return hidden_count > 0
        return not hidden_count or (hidden_count >= 2 and hidden_sum >= self.k)

    def _victims(self, line: int) -> tuple[int, ...]:
        """What to withhold next so that this line reveals no small group; nothing if it is safe.

        Candidates: the shown children that would hide something (a cell, or a set holding cells not
        shown on their own) and, once a child is hidden, the total; the cheapest is withheld (``_pick``).
        Failing that, the smallest shown child together with its smallest cell (so that a small team is
        merged with a neighbour, not the whole organisation withheld); failing that the total.
        """
        if self.balanced(line, self.hidden, self.unknown.__getitem__):
            return ()
        total, children = self.lattice.lines[line]
        shown = [c for c in children if not self.withheld[c]]
        able = [c for c in shown if self.unknown[c] or c in self.lattice.singleton_set]
        if not self.withheld[total] and any(map(self.hidden, children)):
            able.append(total)
        if able:
            return (self._pick(able),)
        if shown:
            n = self.lattice.n
            child = min(shown, key=lambda c: (n[c], c))
            cells = self.lattice.cells_of[child]
            cell = min(cells, key=lambda c: (self.lattice.weight[c], c))
            return child, self.lattice.singleton[cell]
        return () if self.withheld[total] else (total,)

    def _pick(self, candidates: list[int]) -> int:
        """The candidate that loses least: fewest lines left to fix (``_lines_unbalanced``), headline views
        costing more (HEADLINE_COST); then the finer view. Among equals, the first in view order (team,
        rounds, role) whose n is below NEAR_EQUAL times the smallest: the first, because new teams and
        rounds come last and so do not attract a suppression; not simply the smallest, because one more
        response in one team must not move a suppression to another."""
        level, n = self.level, self.lattice.n
        costs = [(self._lines_unbalanced(c) + HEADLINE_COST * max(0, level[c] - 1), level[c]) for c in candidates]
        best = min(costs)
        tied = [c for c, cost in zip(candidates, costs) if cost == best]
        smallest = min(n[c] for c in tied)
        return min(c for c in tied if n[c] < NEAR_EQUAL * smallest)

    def _lines_unbalanced(self, set_id: int) -> int:
        """Lines that withholding set_id puts out of balance, minus those it brings into balance."""
        lattice, unknown, withheld = self.lattice, self.unknown, self.withheld
        changed: dict[int, int] = {}
        cells = lattice.cells_of[set_id]
        if len(cells) == 1:  # its cell is no longer shown on its own: every set holding it hides more
            changed = {s: unknown[s] + lattice.weight[cells[0]] for s in lattice.sets_of_cell[cells[0]]}
        touched = {set_id, *(s for s in changed if withheld[s])}
        unknown_after = lambda s: changed.get(s, unknown[s])
        hidden_after = lambda s: (s == set_id or withheld[s]) and unknown_after(s) > 0
        return sum(
            self.balanced(line, self.hidden, unknown.__getitem__) - self.balanced(line, hidden_after, unknown_after)
            for line in {line for s in touched for line in lattice.lines_of[s]}
        )


def _suppress(lattice: Lattice, k: int) -> _Suppression:
    """Primary suppression, the lines to a fixpoint, then verification until nothing small is revealed.

    Each verification pass withholds, for every revealed group whose subtraction is not already broken
    by this pass, the smallest shown set that every subtraction revealing it needs (or, if there is none,
    the smallest set this subtraction uses); then the lines are balanced again.
    """
    suppression = _Suppression(lattice, k)
    while leaks := find_leaks(lattice, suppression.withheld, k):
        victims: set[int] = set()
        for leak in leaks:
            if victims.isdisjoint(leak.used_sets):
                victims.add(min(leak.essential_sets or leak.used_sets, key=lambda s: (lattice.n[s], s)))
        for victim in sorted(victims):
            suppression.withhold(victim)
        suppression.balance()
    return suppression


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < MIN_K:
        raise AnonymityError(f"the minimum group size k must be a whole number >= {MIN_K}, not {k!r}")


def publishable(
    population: Population, k: int = DEFAULT_K, round_groups: Mapping[str, Iterable[Round]] | None = None
) -> dict[Selector, Decision]:
    """The decision for every offered view (see ``offered_sets``): shown, withheld or empty.

    The shown views together reveal no group of respondents with 0 < n < k by any addition or subtraction
    of their sums. ``round_groups`` maps an intervention to its rounds (the intervention filter).
    Decisions depend only on the counts, k and the interventions' rounds, and the last few are kept:
    the dashboard asks on every filter change, while the counts change only when responses arrive.
    """
    _check_k(k)
    groups = checked_round_groups(round_groups)
    return dict(_decisions(frozenset(population.counts.items()), k, frozenset(groups.values())))


@lru_cache(maxsize=32)
def _decisions(counts: frozenset, k: int, unions: frozenset) -> dict[Selector, Decision]:
    lattice = Lattice(Population(dict(counts)), {f"group {i}": rounds for i, rounds in enumerate(unions)})
    suppression = _suppress(lattice, k)
    primary, withheld = suppression.primary, suppression.withheld
    empty, small, protecting = (
        Decision(EMPTY, n=0),
        Decision(WITHHELD, FEWER_THAN_K),
        Decision(WITHHELD, PROTECTS_SMALL_GROUP),
    )
    by_set = [
        small if primary[i] else protecting if withheld[i] else Decision(SHOWN, n=n) for i, n in enumerate(lattice.n)
    ]
    return {
        selector: empty if set_id is None else by_set[set_id]
        for selector, set_id in zip(lattice.selectors, lattice.view_set)
    }


def safe_breakdown(
    decisions: Mapping[Selector, Decision], selectors: Iterable[Selector]
) -> list[tuple[Selector, Decision]]:
    """The decisions for a page showing a parent and its children, in the order asked.

    Fails closed: a view that ``publishable`` did not decide on (not offered, e.g. a made-up round set)
    comes back withheld, never shown.
    """
    return [(selector, decisions.get(selector) or Decision(WITHHELD, NOT_OFFERED)) for selector in selectors]
