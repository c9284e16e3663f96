"""What changed: one theme (or the alignment index) per round on a time axis, with the organisation's actions on
it, each at the day it started (or, not started yet, the day it was planned).

It adds no figure: a round's value is the one the trend already shows (view.trends, decided by the release
ledger), and an action is a date and words the organisation wrote, never a count of people. Nothing here says
what an action did: the summary says it shows a change over time beside the actions, not their effect.

Pure service code (no streamlit); the actions come from services/actions/reading.py (dashboard_actions).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from services.dashboard.charts import group_status, interval_text, short_status
from services.dashboard.parts import Theme
from services.dashboard.trend_charts import trend_lines
from services.formatting import format_date, format_score, format_signed
from services.i18n import t
from services.output.chart_style import COLOURS, ChartWithTable, base_layout

ACTION_MARK = "action"  # the name of an action's note on the chart
WHOLE = "whole"  # the intervention as a whole: the alignment index, with the actions about no one theme
TITLES_ON_CHART = 4  # more actions than this are numbered on the chart; the table names them
SHORT_TITLE = 28  # characters of an action's description written beside its mark
SUMMARY_ACTIONS = 5  # actions the summary names; the table lists every one


@dataclass(frozen=True)
class ActionOnAxis:
    """An action of the plan as the time axis marks it: what it is about, in words, and its days."""

    action_id: int
    title: str  # the action's description, as typed
    about: str  # what it addresses, in words
    theme: str | None  # a theme id; None with `element` for a compassion element, with neither for "as a whole"
    element: int | None
    kind: str
    status: str
    marked_on: date  # the day it started; not started yet: the day it was planned
    started: bool
    finished_on: date | None
    due_on: date | None


def choice_of(action: ActionOnAxis, themes: Sequence[Theme]) -> str | None:
    """The chart an action belongs on: its theme, the compassion theme of its element, or WHOLE; None when this
    view has no such theme (a theme not measured by every version shown)."""
    if action.theme is None and action.element is None:
        return WHOLE
    for theme in themes:
        if theme.id == action.theme or (
            action.theme is None and theme.side == "compassion" and theme.element == action.element
        ):
            return theme.id
    return None


def choices(view, actions: Sequence[ActionOnAxis], language: str) -> dict[str, str]:
    """What the chart can follow, labelled with how many actions are about each: the whole, then every theme."""
    counts: dict[str, int] = {}
    for action in actions:
        key = choice_of(action, view.themes)
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    names = {WHOLE: t("dashboard.changed.whole", language)} | {theme.id: theme.name for theme in view.themes}
    return {
        key: t("dashboard.changed.choice_count", language, name=name, count=counts[key]) if key in counts else name
        for key, name in names.items()
    }


def first_choice(view, actions: Sequence[ActionOnAxis]) -> str:
    """A "where to start" theme that has actions, else any theme with actions, else the first starting point."""
    with_actions = {choice_of(action, view.themes) for action in actions}
    starts = [point.theme.id for point in view.where_to_start]
    for key in [*starts, *(theme.id for theme in view.themes), WHOLE]:
        if key in with_actions:
            return key
    return starts[0] if starts else WHOLE


def what_changed(view, actions: Sequence[ActionOnAxis], choice: str, language: str) -> ChartWithTable:
    """The chosen theme's average (or the alignment index) per round, a line per intervention, at the middle of
    each round's answering window (a grey band), with the actions about it marked on the same time axis."""
    theme = next((th for th in view.themes if th.id == choice), None)
    whole = theme is None
    measure = theme.name if theme is not None else t("chart.alignment_index", language)
    title = t("dashboard.changed.title", language, measure=measure)
    points = list(view.trends)
    windows = {r.id: (_day(r.opens_at), _day(r.closes_at)) for r in view.options.rounds}
    spans = [windows.get(p.round_id, (_day(p.opens_at), _day(p.opens_at))) for p in points]
    middles = [opens + (closes - opens) / 2 for opens, closes in spans]
    estimates = [_estimate(p, theme) if p.group.shown else None for p in points]
    marked = sorted(
        (a for a in actions if choice_of(a, view.themes) == (WHOLE if whole else choice)),
        key=lambda a: (a.marked_on, a.action_id),
    )
    fig = go.Figure()
    # Shapes and notes are gathered and set once: plotly's add_* checks the whole layout again at every call.
    band = dict(type="rect", y0=0, y1=1, yref="paper", fillcolor=COLOURS["grid"], opacity=0.45, layer="below")
    shapes: list[dict] = [band | dict(x0=opens, x1=closes, line=dict(width=0)) for opens, closes in spans]
    notes: list[dict] = []
    lines = trend_lines(points)
    palette = (COLOURS["match"], COLOURS["mismatch"], COLOURS["value"], COLOURS["compassion"])
    for n, (intervention, positions) in enumerate(lines):
        fig.add_trace(
            go.Scatter(
                x=[middles[i] for i in positions],
                y=[_mean(estimates[i]) for i in positions],
                mode="lines+markers",
                connectgaps=False,
                name=html.escape(intervention),
                line=dict(color=palette[n % len(palette)], width=2),
                marker=dict(size=11, color=palette[n % len(palette)]),
                hovertemplate=html.escape(intervention) + ": %{y:.0f}<extra></extra>",
            )
        )
    low, high = (-100, 100) if whole else (0, 104)
    if whole:  # the alignment index's middle, as on the trend above
        shapes.append(
            dict(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                y0=0,
                y1=0,
                line=dict(color=COLOURS["muted"], width=1, dash="dot"),
            )
        )
    for i, point in enumerate(points):
        if estimates[i] is None:
            notes.append(
                dict(
                    x=middles[i],
                    y=low + 8,
                    showarrow=False,
                    text=short_status(point.group, language)
                    if not point.group.shown
                    else t("report.not_enough", language),
                    font=dict(size=12, color=COLOURS["muted"]),
                    bgcolor="white",
                )
            )
    days = [*(d for span in spans for d in span), *(a.marked_on for a in marked)] or [datetime.now(UTC).date()]
    span = (min(days) - timedelta(days=21), max(days) + timedelta(days=21))
    _mark_actions(shapes, notes, marked, span, language)
    fig.update_layout(shapes=shapes, annotations=notes)
    base_layout(fig, 380, legend=len(lines) > 1, margin=dict(l=10, r=20, t=60, b=10))
    fig.update_layout(legend=dict(y=-0.12, yanchor="top"))  # the top belongs to the actions
    ticks = _month_ticks(span)
    fig.update_xaxes(
        type="date",
        range=list(span),
        tickvals=ticks,
        ticktext=[format_date(day, language) for day in ticks],  # the reader's month names, not plotly's
        fixedrange=True,
        showgrid=False,
    )
    fig.update_yaxes(
        range=[low, high],
        fixedrange=True,
        gridcolor=COLOURS["grid"],
        title=dict(text=t("chart.alignment_index" if whole else "chart.score_axis", language), font=dict(size=13)),
    )
    table = _table(view, points, spans, estimates, marked, whole, measure, language)
    return ChartWithTable("dash_what_changed", title, fig, table, _summary(points, estimates, marked, whole, language))


def _mark_actions(
    shapes: list[dict], notes: list[dict], marked: list[ActionOnAxis], span: tuple[date, date], language: str
) -> None:
    """Per action a dotted line at its day and, at the top, a triangle (filled: started; open: planned) with its
    title or number, written away from the chart's nearer edge; the full title and day on hover. Drawn as shapes
    and notes, not as data: no value."""
    numbered = len(marked) > TITLES_ON_CHART
    width = max((span[1] - span[0]).days, 1)
    for n, action in enumerate(marked, 1):
        shapes.append(
            dict(
                type="line",
                x0=action.marked_on,
                x1=action.marked_on,
                y0=0,
                y1=1,
                yref="paper",
                line=dict(color=COLOURS["ink"], width=1, dash="dot"),
                layer="below",
            )
        )
        mark = "▼" if action.started else "▽"
        label = str(n) if numbered else f"{n} · {_short(action.title)}"
        right_half = (action.marked_on - span[0]).days / width > 0.5
        notes.append(
            dict(
                name=ACTION_MARK,
                x=action.marked_on,
                y=1,
                yref="paper",
                yanchor="bottom",
                xanchor="right" if right_half else "left",
                xshift=6 if right_half else -6,
                yshift=18 * ((n - 1) % 2),  # every other one a line higher: neighbours do not cover each other
                showarrow=False,
                text=html.escape(f"{label} {mark}" if right_half else f"{mark} {label}"),
                hovertext=html.escape(f"{action.title} ({_when(action, language)})"),
                font=dict(size=12, color=COLOURS["ink"]),
            )
        )


def _table(view, points, spans, estimates, marked, whole: bool, measure: str, language: str) -> pd.DataFrame:
    """Rounds and actions in the order of their days: a round's value (or why there is none), and an action's
    kind, status and the rounds before and after it (an action has no value: "–")."""
    several = len({p.intervention_id for p in points}) > 1
    entries = []
    for point, (opens, closes), estimate in zip(points, spans, estimates):
        if not point.group.shown:
            value = short_status(point.group, language)
        elif estimate is None:
            value = t("report.not_enough", language)
        else:
            value = f"{_value(estimate.mean, whole, language)} ({interval_text(estimate, language, whole)})"
        cells = [
            f"{format_date(opens, language)} – {format_date(closes, language)}",
            t("dashboard.changed.row_round", language),
            f"{point.intervention}: {point.round_name}" if several else point.round_name,
            measure,
            group_status(point.group, view.k, language),
            value,
            "",
        ]
        entries.append((opens, 0, cells))
    for action in marked:
        status = t(f"actions.status_{action.status}", language)
        if action.finished_on:
            status += " · " + t("dashboard.changed.done_on", language, date=format_date(action.finished_on, language))
        elif action.due_on:
            status += " · " + t("dashboard.changed.due_on", language, date=format_date(action.due_on, language))
        cells = [
            format_date(action.marked_on, language),
            t("dashboard.changed.row_started" if action.started else "dashboard.changed.row_planned", language),
            action.title,
            f"{t(f'actions.kind_{action.kind}', language)} · {action.about}",
            status,
            "–",
            _around(action.marked_on, points, spans, language),
        ]
        entries.append((action.marked_on, 1, cells))
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    keys = ("when", "what", "name", "about", "status", "value", "around")
    return pd.DataFrame(
        [cells for *_order, cells in entries], columns=[t(f"dashboard.changed.col_{k}", language) for k in keys]
    )


def _around(day: date, points, spans, language: str) -> str:
    """Which rounds lie around an action's day: the last one closed by then, one under way, the first after."""
    before = [p.round_name for p, (_o, closes) in zip(points, spans) if closes <= day]
    during = [p.round_name for p, (opens, closes) in zip(points, spans) if opens < day < closes]
    after = [p.round_name for p, (opens, _c) in zip(points, spans) if opens >= day]
    parts = [
        t("dashboard.changed.round_before", language, round=before[-1])
        if before
        else t("dashboard.changed.no_round_before", language)
    ]
    parts += [t("dashboard.changed.round_during", language, round=name) for name in during]
    parts.append(
        t("dashboard.changed.round_after", language, round=after[0])
        if after
        else t("dashboard.changed.no_round_after", language)
    )
    return "; ".join(parts)


def _summary(points, estimates, marked, whole: bool, language: str) -> str:
    """What each intervention's line did from its first shown round to its last, which actions are marked, and
    that this is a change over time, not an effect."""
    sentences = []
    for intervention, positions in trend_lines(points):
        shown = [(points[i], estimates[i]) for i in positions if estimates[i] is not None]
        if len(shown) >= 2:
            sentences.append(
                t(
                    "dashboard.changed.summary",
                    language,
                    line=intervention,
                    first=shown[0][0].round_name,
                    last=shown[-1][0].round_name,
                    start=_value(shown[0][1].mean, whole, language),
                    end=_value(shown[-1][1].mean, whole, language),
                )
            )
        elif shown:
            sentences.append(
                t(
                    "dashboard.changed.summary_one",
                    language,
                    line=intervention,
                    round=shown[0][0].round_name,
                    value=_value(shown[0][1].mean, whole, language),
                )
            )
    if not sentences:
        sentences.append(t("dashboard.changed.summary_none", language))
    if marked:
        named = "; ".join(f"“{a.title}” ({_when(a, language)})" for a in marked[:SUMMARY_ACTIONS])
        if len(marked) > SUMMARY_ACTIONS:
            named += " " + t("dashboard.changed.summary_more", language, count=len(marked) - SUMMARY_ACTIONS)
        sentences.append(t("dashboard.changed.summary_actions", language, count=len(marked), names=named))
    else:
        sentences.append(t("dashboard.changed.summary_no_actions", language))
    sentences.append(t("dashboard.changed.not_an_effect", language))
    return " ".join(sentences)


def _estimate(point, theme: Theme | None):
    if theme is None:
        return point.alignment
    return next((m.estimate for m in point.means if m.theme.id == theme.id), None)


def _mean(estimate) -> float | None:
    return estimate.mean if estimate is not None else None


def _value(mean: float, whole: bool, language: str) -> str:
    return format_signed(mean, language) if whole else format_score(mean, language)


def _when(action: ActionOnAxis, language: str) -> str:
    key = "dashboard.changed.started_on" if action.started else "dashboard.changed.planned_on"
    return t(key, language, date=format_date(action.marked_on, language))


def _short(title: str) -> str:
    """The start of a title, cut at a space where there is one."""
    if len(title) <= SHORT_TITLE:
        return title
    cut = title[: SHORT_TITLE - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"


def _month_ticks(span: tuple[date, date], most: int = 7) -> list[date]:
    """First days of months within `span`, every so many months that there are at most `most`."""
    start, end = span
    index = start.year * 12 + start.month - 1 + (start.day > 1)  # months since year 0 of the first tick
    days = []
    while (day := date(index // 12, index % 12 + 1, 1)) <= end:
        days.append(day)
        index += 1
    return days[:: max(1, -(-len(days) // most))]


def _day(moment: datetime | date) -> date:
    """The UTC day of a moment (a naive one is taken as UTC, as the database stores it)."""
    if not isinstance(moment, datetime):
        return moment
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()
