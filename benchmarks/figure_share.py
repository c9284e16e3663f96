"""What the partial-answerer rule costs: the share of score figures the dashboard shows on the demo
organisation, with the rule and without it: `python benchmarks/figure_share.py [--responses 2000,5000]`.

The demo organisation (services/data_tools/demo_data.py, seed 1 unless --seed) is built in a temporary SQLite file and
released as the dashboard releases it (services/dashboard/data.py load_context). For every offered view and
every figure (each theme, each compassion element, the alignment index, each statement's distribution) with
contributors in it, the figure counts as shown "by its own contributors" when its family's decision shows
it, and "with the rule" when the dashboard shows it (assessment/anonymity/figures.py: a statement only where
the partial answerers of its theme and element may be shown; the alignment index only where its own partial
answerers may be and every theme it combines is shown). Printed: one markdown table on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # fixed, so the same rounds are closed every run


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", default="2000,5000", help="demo responses, comma-separated sizes")
    parser.add_argument("--seed", type=int, default=1, help="demo-data seed (default 1, as manage.py)")
    return parser.parse_args(argv)


def kind_of(family: str) -> str | None:
    if family.startswith("item:"):
        return "statement distributions"
    key = family.removeprefix("score:")
    if key.startswith("domain:"):
        return "theme means"
    if key.startswith("element:"):
        return "compassion elements"
    return "alignment index" if key == "alignment_index" else None


def shares(responses: int, seed: int) -> Counter:
    from services.dashboard.data import load_context
    from services.dashboard.view import Filters
    from services.data_tools import demo_data
    from services.runtime import build_runtime

    with tempfile.TemporaryDirectory(prefix="vm-bench-figures-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'demo.db'}"
        rt = build_runtime()
        try:
            made = demo_data.create_demo_organisation(rt, responses=responses, seed=seed, now=NOW)
            with rt.sessions.begin() as session:
                ctx = load_context(rt, session, Filters(made.organisation_id), "en", NOW)
                release = ctx.sums._shown.__self__  # the ReleasedData whose shown() the sums use
        finally:
            rt.engine.dispose()
    counted: Counter = Counter()
    for family, codes in release.codes.items():
        kind = kind_of(family)
        if kind is None:
            continue
        for selector, position in release.index.items():
            if codes[position] == "e":
                continue
            counted[kind, "views"] += 1
            counted[kind, "own"] += codes[position] == "s"
            counted[kind, "rule"] += release.shown(family, selector)
    return counted


def main(argv: list[str] | None = None) -> None:
    args = options(argv)
    print(
        "| responses | figures | view-figures with contributors | shown by own contributors | "
        "shown with the partial-answerer rule | rule / own |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    for size in (int(s) for s in args.responses.split(",")):
        print(f"building the demo organisation with {size:,} responses", file=sys.stderr, flush=True)
        counted = shares(size, args.seed)
        for kind in ("theme means", "compassion elements", "alignment index", "statement distributions"):
            views, own, rule = counted[kind, "views"], counted[kind, "own"], counted[kind, "rule"]
            print(
                f"| {size:,} | {kind} | {views:,} | {own:,} ({own / views:.1%}) | {rule:,} ({rule / views:.1%}) | "
                f"{rule / own if own else float('nan'):.2f} |"
            )


if __name__ == "__main__":
    main()
