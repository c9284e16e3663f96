"""Anonymity of the dashboard's aggregates: which offered views may be shown. Pure functions.

Threat model. Each response sits in an atomic cell (team, round, role). The dashboard offers views of the
form (team | ALL, rounds | ALL, role | ALL), where ``rounds`` is one round or the rounds of an intervention.
Publishing a view's mean, distribution or count with its n publishes its sums, so anyone may add and
subtract published views: a group of respondents is revealed when its indicator vector over the atomic
cells is a rational linear combination of the shown views' vectors. No group with 0 < n < k may be.

The rule:

1. Primary suppression: every view with 0 < n < k is withheld ("fewer than k responses"). A view with
   n == 0 is "empty": known to hold nobody, which is no secret and no withholding.
2. Secondary suppression along every additive relation total = sum(children) between offered views (a
   "line": two coordinates fixed, the third over its single values with ALL as total; for rounds also
   each intervention over its rounds, and all rounds over disjoint interventions). Only the part of a
   view not shown cell by cell can be hidden, so the rule counts that part: while the total is known,
   the hidden children must be none, or at least two holding k responses together; a hidden total needs
   a hidden child. Lines are balanced finest first; to balance one, the candidate (a shown child, or the
   total once a child is hidden) that leaves the fewest lines unbalanced is withheld, headline views
   counting extra, ties to the first in view order among counts within 1.5x of the smallest; to a fixpoint.
3. Verification by exact linear algebra over the rationals, which also sees relations spanning several
   lines: a sparse fully reduced elimination of the shown views (cells shown on their own projected out,
   cells that every shown view treats alike merged into "atoms"), then an exhaustive search for *any*
   group of cells - not only cells, views and differences of nested views - with 0 < n < k in the span.
   For each group found, the subtraction is traced back through the elimination, and the smallest shown
   view that every such subtraction needs (failing that, the smallest one it uses) is withheld; steps 2
   and 3 repeat. Each pass withholds more, so this ends, and the result never reveals a small group.

Cost, for c non-empty cells, v offered views (v = (T+1)(R+G+1)(O+1) for T teams, R rounds, G
interventions, O roles) and L lines: building views and lines is O(c·(G+2) + v·max(T, O, R)); step 2
visits each line again only when one of its members changes. Step 3 is a sparse elimination over the
a hidden atoms (at worst O(rank·a²); far less in practice, the rows being sparse marginal sets) and a
depth-first search whose depth is bounded by the k - 1 responses a small group can hold: exponential in
k at worst, pruned by following only atoms that can balance an unbalanced column and by the cheapest
such atom per column. Usually one or two passes. Measured (CPU time on a shared, loaded 2-vCPU
container, roughly half a laptop's speed): 20 teams x 4 rounds x 8 roles (1,323 views) 20-85 ms, median
35-60 ms by pattern; 30 x 8 x 10 (4,092 views) 0.07-0.45 s. Repeated calls with the same counts (every
filter change between two responses) are answered from a small cache in under a millisecond.

Not covered by the linear argument, so the dashboard must not show them: statistics that are not
functions of per-group sums (medians, quantiles, minima and maxima, modes, box plots, histograms whose
bins follow the data), and differences between snapshots of one view taken before and after new responses
arrived (an open round must not be shown growing response by response). Differences between moments are
the job of ``history.publishable_after``, which checks a new release against every earlier one.
"""

from .lattice import offered_sets
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
    Cell,
    Decision,
    Population,
    Role,
    Round,
    Selector,
    Team,
)
from .suppression import publishable, safe_breakdown

__all__ = [
    "ALL",
    "DEFAULT_K",
    "EMPTY",
    "FEWER_THAN_K",
    "MIN_K",
    "NOT_OFFERED",
    "PROTECTS_SMALL_GROUP",
    "SHOWN",
    "WITHHELD",
    "AnonymityError",
    "Cell",
    "Decision",
    "Population",
    "Role",
    "Round",
    "Selector",
    "Team",
    "offered_sets",
    "publishable",
    "safe_breakdown",
]
