"""Primary and secondary suppression (the lines kept balanced to a fixpoint), repeated with exact
verification until nothing small is revealed; ``publishable`` is the entry point."""
from __future__ import annotations

from collections import deque
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from .lattice import _Lattice, _round_groups
from .model import (DEFAULT_K, EMPTY, FEWER_THAN_K, MIN_K, NOT_OFFERED, PROTECTS_SMALL_GROUP,
                   SHOWN, WITHHELD, AnonymityError, Decision, Population, Round, Selector)
from .verification import _find_leaks

class _Suppression:
    """The withheld canonical sets, kept balanced along the lines.

    ``unknown[s]`` counts the responses of set s in cells that are not shown on their own: only those
    can be hidden by withholding s (a cell shown on its own is known whatever happens to s).
    """

    def __init__(self, lattice: _Lattice, k: int):
        self.lattice, self.k = lattice, k
        self.primary = [0 < n < k for n in lattice.n]
        self.withheld = [False] * len(lattice.n)
        self.unknown = [0] * len(lattice.n)
        self.pending: deque[int] = deque()
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
                    self.pending.append(line)

    def balance(self) -> None:
        """Withhold members of unbalanced lines until every line is balanced (a fixpoint)."""
        while self.pending:
            line = self.pending.popleft()
            self.queued.discard(line)
            total, children = self.lattice.lines[line]
            while victims := self._victims(total, children):
                for victim in victims:
                    self.withhold(victim)

    def _victims(self, total: int, children: Sequence[int]) -> tuple[int, ...]:
        """What to withhold next so that this line reveals no small group; nothing if it is safe.

        total = sum(children) also holds for the unknown parts. While the total's unknown part is known
        (shown, or nothing unknown in it), the hidden children's unknown parts add up to a known number:
        they must be none, or at least two holding k responses together. A hidden total needs a hidden
        child. Otherwise the smallest shown child that would hide something (a cell, or a set holding
        cells not shown on their own) is withheld; failing that the smallest shown child together with
        its smallest cell (so that a small team is merged with a neighbour, not the whole organisation
        withheld); failing that the total.
        """
        withheld, unknown, n = self.withheld, self.unknown, self.lattice.n
        hidden_count = hidden_sum = 0
        for child in children:
            if withheld[child] and unknown[child]:
                hidden_count += 1
                hidden_sum += unknown[child]
        if withheld[total] and unknown[total]:
            if hidden_count:
                return ()
        elif not hidden_count or (hidden_count >= 2 and hidden_sum >= self.k):
            return ()
        single = self.lattice.singleton_set
        shown = [c for c in children if not withheld[c]]
        able = [c for c in shown if unknown[c] or c in single]
        if able:
            return (min(able, key=lambda c: (n[c], c)),)
        if shown:
            child = min(shown, key=lambda c: (n[c], c))
            cells = self.lattice.cells_of[child]
            cell = min(cells, key=lambda c: (self.lattice.weight[c], c))
            return child, self.lattice.singleton[cell]
        return () if withheld[total] else (total,)


def _suppress(lattice: _Lattice, k: int) -> _Suppression:
    """Primary suppression, the lines to a fixpoint, then verification until nothing small is revealed.

    Each verification pass withholds, for every revealed group whose subtraction is not already broken
    by this pass, the smallest shown set that every subtraction revealing it needs (or, if there is none,
    the smallest set this subtraction uses); then the lines are balanced again.
    """
    suppression = _Suppression(lattice, k)
    while leaks := _find_leaks(lattice, suppression.withheld, k):
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


def publishable(population: Population, k: int = DEFAULT_K,
                round_groups: Mapping[str, Iterable[Round]] | None = None) -> dict[Selector, Decision]:
    """The decision for every offered view (see ``offered_sets``): shown, withheld or empty.

    The shown views together reveal no group of respondents with 0 < n < k by any addition or subtraction
    of their sums. ``round_groups`` maps an intervention to its rounds (the intervention filter).
    Decisions depend only on the counts, k and the interventions' rounds, and the last few are kept:
    the dashboard asks on every filter change, while the counts change only when responses arrive.
    """
    _check_k(k)
    groups = _round_groups(round_groups)
    return dict(_decisions(frozenset(population.counts.items()), k, frozenset(groups.values())))


@lru_cache(maxsize=32)
def _decisions(counts: frozenset, k: int, unions: frozenset) -> dict[Selector, Decision]:
    lattice = _Lattice(Population(dict(counts)), {f"group {i}": rounds for i, rounds in enumerate(unions)})
    suppression = _suppress(lattice, k)
    primary, withheld = suppression.primary, suppression.withheld
    empty, small, protecting = Decision(EMPTY, n=0), Decision(WITHHELD, FEWER_THAN_K), Decision(
        WITHHELD, PROTECTS_SMALL_GROUP)
    by_set = [small if primary[i] else protecting if withheld[i] else Decision(SHOWN, n=n)
              for i, n in enumerate(lattice.n)]
    return {selector: empty if set_id is None else by_set[set_id]
            for selector, set_id in zip(lattice.selectors, lattice.view_set)}


def safe_breakdown(decisions: Mapping[Selector, Decision], selectors: Iterable[Selector]
                   ) -> list[tuple[Selector, Decision]]:
    """The decisions for a page showing a parent and its children, in the order asked.

    Fails closed: a view that ``publishable`` did not decide on (not offered, e.g. a made-up round set)
    comes back withheld, never shown.
    """
    return [(selector, decisions.get(selector) or Decision(WITHHELD, NOT_OFFERED)) for selector in selectors]
