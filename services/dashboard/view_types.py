"""What the dashboard shows for one set of filters, as plain data (built in services.dashboard.view)."""

from __future__ import annotations

from dataclasses import dataclass

from services.dashboard.filters import Filters
from services.dashboard.options import FilterOptions, OpenRound
from services.dashboard.parts import (
    DomainReliability,
    ElementMean,
    Group,
    ItemDistribution,
    Participation,
    StartingPoint,
    TeamAgreement,
    TeamThemes,
    Theme,
    ThemeMean,
    TrendPoint,
)
from services.dashboard.stats import Estimate


@dataclass(frozen=True)
class AlignmentBin:
    """How many responses of the selection have an alignment index in [lower, upper) (the last bin
    includes +100)."""

    lower: int
    upper: int
    count: int


@dataclass(frozen=True)
class DashboardView:
    """Everything the dashboard page shows for one set of filters."""

    organisation_id: int
    organisation_name: str
    k: int
    filters: Filters
    language: str
    selection: Group
    instruments: tuple[str, ...]  # labels of the instrument versions of the selection
    question_sets: tuple[str, ...]  # the same versions in words ("Full questionnaire, version 1.0")
    versions: tuple[str, ...]  # their version numbers, each once ("1.0")
    themes: tuple[Theme, ...]  # the domains common to those versions
    scale: tuple[tuple[int, str], ...]  # (point, label) of the answer scale
    theme_means: tuple[ThemeMean, ...]
    alignment: Estimate | None
    alignment_distribution: tuple[AlignmentBin, ...]  # empty unless the selection is shown
    heatmap: tuple[TeamThemes, ...]
    likert: tuple[ItemDistribution, ...]
    compassion: tuple[ElementMean, ...]
    trends: tuple[TrendPoint, ...]
    participation: tuple[Participation, ...]
    agreement: tuple[TeamAgreement, ...]
    reliability: tuple[DomainReliability, ...]
    where_to_start: tuple[StartingPoint, ...]
    options: FilterOptions
    open_rounds: tuple[OpenRound, ...]  # per open round: has each team k responses yet (no numbers)
    round_open: bool  # the round filter is a round still open: no results yet
    team_not_invited: bool = False  # the chosen team was not invited to the chosen round

    @property
    def heatmap_themes(self) -> tuple[Theme, ...]:
        return tuple(t for t in self.themes if t.side in ("match", "mismatch"))
