"""The group's picture of one workshop round, and how a second round compares: pure functions.

Built from the responses of a round's snapshot with the dashboard's own parts (theme means with their
intervals and agreement, the alignment index and its spread, the compassion elements, the answer
distributions, where to start). Below k responses the picture holds nothing derived from them: only
their number, which the facilitator's screen shows live anyway, and why nothing else is shown.

Besides each starting point's conversation question, the picture offers prompts from the compassion
frame. The rule: the compassion element the theme's statements touch most often, then the element the
group rated lowest if that is another one (at most two prompts per theme).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from assessment.anonymity import (
    ALL,
    EMPTY,
    FEWER_THAN_K,
    PROTECTS_SMALL_GROUP,
    SHOWN,
    WITHHELD,
    Decision,
    Selector,
)
from assessment.anonymity.figures import item_family, score_family
from assessment.scoring import band_of
from db.tallies import ALIGNMENT_BIN_EDGES, ALIGNMENT_KEY, alignment_bin_key
from questions.model import NOT_APPLICABLE, AlignmentBands, Instrument, localise
from services.dashboard.parts import (
    ElementMean,
    Group,
    ItemDistribution,
    StartingPoint,
    Theme,
    ThemeMean,
    common_themes_and_items,
    group_alignment,
    theme_means_of,
    where_to_start,
)
from services.dashboard.stats import (
    NOT_APPLICABLE_VALUE,
    Estimate,
    Moments,
    likert_distribution,
    mean_interval,
)
from services.dashboard.view_types import AlignmentBin
from services.i18n import t

MAX_PROMPTS_PER_THEME = 2

Answer = int | str
Scores = Mapping[str, float | None]


@dataclass(frozen=True)
class RoundAnswers:
    """One workshop round's responses as the service read them (the snapshot shown)."""

    round_no: int
    instrument: Instrument
    # per response: (item id -> 1..5 or "na", ScoreReport.flat() key -> value or None)
    responses: tuple[tuple[Mapping[str, Answer], Scores], ...]


@dataclass(frozen=True)
class AgreedAction:
    """An action the group agreed on: act on it, influence it, or keep an eye on it."""

    kind: str  # "act" | "influence" | "monitor"
    theme: str | None  # the theme's name as shown, or None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class ThemeBands:
    """How many of the group score a theme low (0-37.5), in the middle, or high (62.5-100)."""

    theme: Theme
    low: int
    middle: int
    high: int
    not_enough: int  # answered too few of the theme's statements to have a score

    @property
    def fits(self) -> int:
        """Those for whom the approach fits their values on this theme (high, or low on a clash theme)."""
        return self.low if self.theme.side == "mismatch" else self.high

    @property
    def clashes(self) -> int:
        return self.high if self.theme.side == "mismatch" else self.low


@dataclass(frozen=True)
class Prompt:
    """A conversation prompt for a starting theme, seen through one compassion element."""

    theme: Theme
    element: int
    element_name: str
    description: str  # the bank's description of the element
    text: str


@dataclass(frozen=True)
class WorkshopPicture:
    """What the big screen shows of one round. Every part is empty unless `selection` is shown.

    The attribute names match the dashboard's view, so its charts take a picture as it is.
    """

    round_no: int
    k: int
    language: str
    n: int  # responses in the snapshot (known to the room anyway)
    selection: Group
    instrument: Instrument = field(repr=False, compare=False)
    themes: tuple[Theme, ...]
    scale: tuple[tuple[int, str], ...]
    theme_means: tuple[ThemeMean, ...] = ()
    alignment: Estimate | None = None
    alignment_distribution: tuple[AlignmentBin, ...] = ()
    theme_bands: tuple[ThemeBands, ...] = ()
    compassion: tuple[ElementMean, ...] = ()
    likert: tuple[ItemDistribution, ...] = ()
    where_to_start: tuple[StartingPoint, ...] = ()
    prompts: tuple[Prompt, ...] = ()

    @property
    def shown(self) -> bool:
        return self.selection.shown

    @property
    def bands(self) -> AlignmentBands:
        """The instrument's alignment bands (words, not data: there even when nothing is shown)."""
        return self.instrument.alignment_bands

    @property
    def agreed(self) -> tuple[ThemeMean, ...]:
        """Themes on which the group broadly agrees (r_wg(J) of 0.7 or more)."""
        return tuple(m for m in self.theme_means if m.agreement is not None and not m.agreement.split)

    @property
    def split(self) -> tuple[ThemeMean, ...]:
        """Themes on which the group's mean hides different views (r_wg(J) below 0.7)."""
        return tuple(m for m in self.theme_means if m.agreement is not None and m.agreement.split)


@dataclass(frozen=True)
class ThemeShift:
    """A mean (0..100, or the alignment index) in the first and the second round."""

    first: float | None
    second: float | None
    theme: Theme | None = None  # None for the alignment index

    @property
    def change(self) -> float | None:
        return None if self.first is None or self.second is None else self.second - self.first

    @property
    def toward_fit(self) -> float | None:
        """The change read as fit: a rising clash theme moves away from fitting people's values."""
        change = self.change
        if change is None:
            return None
        return -change if self.theme is not None and self.theme.side == "mismatch" else change


@dataclass(frozen=True)
class RoundComparison:
    """Round against round, on the themes both pictures have."""

    first_round: int
    second_round: int
    n1: int
    n2: int
    themes: tuple[ThemeShift, ...]
    alignment: ThemeShift


def picture(
    data: RoundAnswers, *, k: int, language: str, families: Collection[str], withdrawn: bool = False
) -> WorkshopPicture:
    """The group's picture of a round: when at least k responded, every figure whose family is in `families`
    (those its contributors allow: services/workshop/presenter.py), else only why not."""
    instrument = data.instrument
    n = len(data.responses)
    themes, items = common_themes_and_items([instrument], language)
    themes = tuple(theme for theme in themes if instrument.items_in(theme.id))
    scale = tuple((p, localise(instrument.scale.labels[p], language)) for p in instrument.scale.points)
    if n == 0:
        decision = Decision(EMPTY, n=0)
    elif withdrawn:
        decision = Decision(WITHHELD, PROTECTS_SMALL_GROUP)
    elif n < k:
        decision = Decision(WITHHELD, FEWER_THAN_K)
    else:
        decision = Decision(SHOWN, n=n)
    selection = Group(
        Selector(ALL, frozenset({data.round_no}), ALL),
        t("workshop_report.round", language, round=data.round_no),
        decision,
    )
    status_only = WorkshopPicture(data.round_no, k, language, n, selection, instrument, themes, scale)
    if not selection.shown:
        return status_only

    families = frozenset(families)
    scores = {
        key: moments
        for key, moments in _moments([scores for _, scores in data.responses]).items()
        if score_family(key) in families
    }
    answered = _answer_counts([answers for answers, _ in data.responses])
    answers = {item: counts for item, counts in answered.items() if item_family(item) in families}
    theme_means = theme_means_of(themes, items, scores, answers, instrument)
    # An element none of the form's statements speaks to is left out, not shown as "not enough answers".
    compassion = tuple(
        ElementMean(number, localise(element.name, language), mean_interval(scores.get(f"element:{number}", Moments())))
        for number, element in instrument.elements.items()
        if instrument.lens_items(number)
    )
    starts = where_to_start(theme_means, instrument, language)
    alignment_shown = score_family(ALIGNMENT_KEY) in families
    return replace(
        status_only,
        theme_means=theme_means,
        alignment=group_alignment(themes, scores),
        alignment_distribution=_alignment_bins(
            [s.get(ALIGNMENT_KEY) for _, s in data.responses] if alignment_shown else []
        ),
        theme_bands=tuple(
            _bands(theme, [s.get(theme.key) for _, s in data.responses])
            for theme in themes
            if score_family(theme.key) in families
        ),
        compassion=compassion,
        likert=tuple(
            ItemDistribution(
                item.id,
                localise(item.text, language),
                item.domain,
                item.side,
                item.reverse,
                likert_distribution(answers.get(item.id, {}), instrument.scale.points),
                withheld=item.id not in answers
                and any(value != NOT_APPLICABLE_VALUE for value in answered.get(item.id, {})),
            )
            for item in items
        ),
        where_to_start=starts,
        prompts=prompts_for(starts, compassion, instrument, language),
    )


def comparison(first: WorkshopPicture, second: WorkshopPicture) -> RoundComparison | None:
    """Theme by theme and on the alignment index; None unless both rounds are shown."""
    if not (first.shown and second.shown):
        return None
    later = {m.theme.id: m for m in second.theme_means}
    shifts = tuple(
        ThemeShift(_mean(m.estimate), _mean(later[m.theme.id].estimate), m.theme)
        for m in first.theme_means
        if m.theme.id in later
    )
    return RoundComparison(
        first.round_no,
        second.round_no,
        first.n,
        second.n,
        shifts,
        ThemeShift(_mean(first.alignment), _mean(second.alignment)),
    )


def prompts_for(
    starts: Sequence[StartingPoint], compassion: Sequence[ElementMean], instrument: Instrument, language: str
) -> tuple[Prompt, ...]:
    """Per starting theme: the element its statements touch most, then the one the group rated lowest."""
    rated = [(e.estimate.mean, e.element) for e in compassion if e.estimate is not None]
    lowest = min(rated)[1] if rated else None
    out = []
    for start in starts:
        elements = (instrument.lens_element(item) for item in instrument.items_in(start.theme.id))
        touched = Counter(number for number in elements if number is not None)
        chosen = sorted(touched, key=lambda number: (-touched[number], number))[:1]
        if lowest is not None and lowest not in chosen:
            chosen.append(lowest)
        for number in chosen[:MAX_PROMPTS_PER_THEME]:
            element = instrument.elements[number]
            out.append(
                Prompt(
                    start.theme,
                    number,
                    localise(element.name, language),
                    localise(element.description, language),
                    t(f"workshop_report.prompt.element_{number}", language, theme=start.theme.name),
                )
            )
    return tuple(out)


# --- from responses to sums -----------------------------------------------------------------------------


def _moments(responses: Sequence[Scores]) -> dict[str, Moments]:
    out: dict[str, Moments] = {}
    for scores in responses:
        for key, value in scores.items():
            if value is not None:
                out[key] = out.get(key, Moments()) + Moments(1, float(value), float(value) ** 2)
    return out


def _answer_counts(responses: Sequence[Mapping[str, Answer]]) -> dict[str, dict[int, int]]:
    """item id -> {value: count}, "not applicable" counted as the tallies' 0."""
    out: dict[str, dict[int, int]] = {}
    for answers in responses:
        for item_id, value in answers.items():
            if value is None:
                continue
            value = NOT_APPLICABLE_VALUE if value == NOT_APPLICABLE else int(value)
            counts = out.setdefault(item_id, {})
            counts[value] = counts.get(value, 0) + 1
    return out


def _alignment_bins(indexes: Sequence[float | None]) -> tuple[AlignmentBin, ...]:
    counts = Counter(alignment_bin_key(value) for value in indexes if value is not None)
    uppers = (*ALIGNMENT_BIN_EDGES[1:], 100)
    return tuple(
        AlignmentBin(lower, upper, counts[alignment_bin_key(lower)])
        for lower, upper in zip(ALIGNMENT_BIN_EDGES, uppers)
    )


def _bands(theme: Theme, scores: Sequence[float | None]) -> ThemeBands:
    bands = Counter(band_of(score) for score in scores)
    return ThemeBands(theme, bands["low"], bands["middle"], bands["high"], bands[None])


def _mean(estimate: Estimate | None) -> float | None:
    return estimate.mean if estimate is not None else None
