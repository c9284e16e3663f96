"""How much of the demo organisation the anonymity rule shows: the previous and the current choice of
secondary suppressions side by side: `python benchmarks/suppression_share.py [--responses 500,2000]`.

The demo organisation (services/data_tools/demo_data.py, as `manage.py demo-data` makes it, seed 1 unless --seed) is
built in a temporary SQLite file; its counts per (team, round, role) in the closed rounds and its
interventions' rounds are read as services/dashboard/data.py load_context reads them. The previous rule is
assessment/anonymity/suppression.py as of --old-rev, loaded from git into a module of its own (it uses the
package's current lattice and verification). Printed: one markdown table on stdout (progress on stderr):
per size and rule, the views offered, how many are empty, shown and withheld, the share shown of the
non-empty ones, the teams shown in the overview (all rounds, all roles), whether the organisation's
total is shown, for how many cells with at least k responses one more response would change the teams
withheld in the overview, and the time publishable() takes (median of interleaved runs, cache cleared)
with the ratio current / previous.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import types
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import Summary, format_duration, time_call

OLD_REV = "a769792ce7f01389b89142095369cdbb372388e6"  # the last commit with the previous rule
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # fixed, so the same rounds are closed every run
RUNS = 15
# The package's former private names, as an older suppression.py imports them.
RENAMED = {
    "_Lattice": "Lattice",
    "_round_groups": "checked_round_groups",
    "_find_leaks": "find_leaks",
    "_revealed_groups": "revealed_groups",
    "_Span": "Span",
    "_axpy": "axpy",
    "_Leak": "Leak",
    "_order": "coordinate_order",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--responses", default="500,2000,5000", help="demo responses, comma-separated sizes (default 500,2000,5000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="demo-data seed (default 1, as manage.py)")
    parser.add_argument("--old-rev", default=OLD_REV, help="git revision holding the previous rule")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed calls per rule (default {RUNS})")
    return parser.parse_args(argv)


def previous_rule(rev: str) -> types.ModuleType:
    """suppression.py as of `rev`, as a module of the package (its relative imports resolve there)."""
    source = subprocess.run(
        ["git", "show", f"{rev}:assessment/anonymity/suppression.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for old, new in RENAMED.items():  # names the package has made public since
        source = re.sub(rf"\b{old}\b", new, source)
    module = types.ModuleType("assessment.anonymity._previous_suppression")
    module.__package__ = "assessment.anonymity"
    exec(compile(source, f"{rev[:12]}:suppression.py", "exec"), module.__dict__)
    return module


def demo_counts(responses: int, seed: int) -> tuple[dict, dict, int, dict]:
    """(counts per cell in closed rounds, rounds per intervention, k, team names) of a fresh demo
    organisation."""
    from db.organisations import get_organisation, list_rounds, list_teams
    from db.tallies import count_cells
    from services.dashboard.data import aware
    from services.data_tools import demo_data
    from services.runtime import build_runtime

    with tempfile.TemporaryDirectory(prefix="vm-bench-suppression-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'demo.db'}"
        rt = build_runtime()
        try:
            made = demo_data.create_demo_organisation(rt, responses=responses, seed=seed, now=NOW)
            with rt.sessions() as session:
                k = get_organisation(session, organisation_id=made.organisation_id).min_group_size
                counts = count_cells(session, organisation_id=made.organisation_id)
                rounds = [
                    r for r in list_rounds(session, organisation_id=made.organisation_id) if aware(r.closes_at) <= NOW
                ]
                names = {t.id: t.name for t in list_teams(session, organisation_id=made.organisation_id)}
        finally:
            rt.engine.dispose()
    closed = {r.id for r in rounds}
    groups: dict[str, frozenset[int]] = defaultdict(frozenset)
    for survey_round in rounds:
        name = f"intervention:{survey_round.intervention_id}"
        groups[name] = groups[name] | {survey_round.id}
    return {cell: n for cell, n in counts.items() if cell[1] in closed}, dict(groups), k, names


def overview_withheld(rule, population, k: int, groups: dict) -> frozenset:
    from assessment.anonymity import Selector

    decisions = rule.publishable(population, k, groups)
    return frozenset(team for team in population.teams if decisions[Selector(team)].withheld)


def changed_by_one_response(rule, counts: dict, k: int, groups: dict) -> tuple[int, int]:
    """(cells with >= k responses where one more response changes the teams withheld in the overview,
    such cells)."""
    from assessment.anonymity import Population

    before = overview_withheld(rule, Population(counts), k, groups)
    large = [cell for cell, n in counts.items() if n >= k]
    changed = sum(
        overview_withheld(rule, Population({**counts, cell: counts[cell] + 1}), k, groups) != before for cell in large
    )
    return changed, len(large)


def timings(rules: dict, population, k: int, groups: dict, runs: int) -> dict[str, Summary]:
    """publishable() per rule, interleaved (a loaded machine drifts), each call with an empty cache."""
    samples: dict[str, list[float]] = {name: [] for name in rules}
    for run in range(runs + 1):
        for name, rule in rules.items():
            rule._decisions.cache_clear()
            seconds = time_call(lambda rule=rule: rule.publishable(population, k, groups))
            if run:  # the first round warms up
                samples[name].append(seconds)
    return {name: Summary(tuple(values)) for name, values in samples.items()}


def rows(responses: int, counts: dict, groups: dict, k: int, rules: dict, runs: int) -> list[str]:
    from assessment.anonymity import Population, Selector

    population = Population(counts)
    timed = timings(rules, population, k, groups, runs)
    baseline = timed["previous"].median
    lines = []
    for name, rule in rules.items():
        decisions = rule.publishable(population, k, groups)
        empty = sum(d.empty for d in decisions.values())
        shown = sum(d.shown for d in decisions.values())
        teams = population.teams
        teams_shown = sum(decisions[Selector(team)].shown for team in teams)
        changed, large = changed_by_one_response(rule, counts, k, groups)
        median = timed[name].median
        lines.append(
            f"| {responses:,} | {name} | {len(decisions):,} | {empty:,} | {shown:,} | "
            f"{len(decisions) - empty - shown:,} | {shown / (len(decisions) - empty):.1%} | "
            f"{teams_shown} of {len(teams)} | {'shown' if decisions[Selector()].shown else 'withheld'} | "
            f"{changed} of {large} | {format_duration(median)} | {median / baseline:.2f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    from assessment.anonymity import Population, suppression

    rules = {"previous": previous_rule(args.old_rev), "current": suppression}
    table = [
        (
            "| responses | rule | views offered | empty | shown | withheld | share shown (of non-empty) "
            "| teams shown in the overview | organisation total | overview changed by one more response "
            "(cells with >= k) | publishable() median | ratio to previous |"
        ),
        "|---:|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|",
    ]
    notes = []
    for responses in (int(size) for size in args.responses.split(",")):
        log(f"demo-data: {responses:,} responses, seed {args.seed} ...")
        counts, groups, k, names = demo_counts(responses, args.seed)
        log(f"deciding {len(counts):,} cells, k = {k} ...")
        table += rows(responses, counts, groups, k, rules, args.runs)
        notes += [
            f"{responses:,} responses, {name}: withheld in the overview: "
            + ", ".join(sorted(names[team] for team in overview_withheld(rule, Population(counts), k, groups)))
            for name, rule in rules.items()
        ]
    print("\n".join(table))
    print()
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
