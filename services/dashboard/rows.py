"""Flattening a dashboard view into the rows the exports module writes (CSV, XLSX, PDF)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assessment.anonymity import FEWER_THAN_K, PROTECTS_SMALL_GROUP
from services.dashboard.parts import Group
from services.dashboard.stats import Agreement, Estimate
from services.dashboard.view_types import DashboardView

EXPORT_COLUMNS = ("what", "group", "theme", "option", "n", "mean", "low", "high", "value", "note", "detail")
"""Every export row has exactly these keys. `value` holds what `what` names (a percentage, r_wg, alpha);
`note` flags or explains; `detail` carries a text such as a conversation starter."""


def export_rows(view: DashboardView) -> list[dict[str, Any]]:
    """The aggregates the view shows, as flat rows for CSV/XLSX/PDF.

    A withheld or empty group gives the rows it would have given, with a note and no numbers.
    """
    rows: list[dict[str, Any]] = []
    selection = view.selection
    rows.append(_row("responses", selection.label, n=selection.n, note=_decision_note(selection, view.k)))

    def withheld(what: str, group: Group, names: Iterable[str | None]) -> None:
        for name in names:
            rows.append(_row(what, group.label, theme=name, note=_decision_note(group, view.k)))

    theme_names = [t.name for t in view.themes]
    if selection.shown:
        for mean in view.theme_means:
            rows.append(_estimate_row("theme mean", selection.label, mean.theme.name, mean.estimate))
        for mean in view.theme_means:
            rows.append(_agreement_row("agreement r_wg(J)", selection.label, mean.theme.name, mean.agreement))
        rows.append(_estimate_row("alignment index", selection.label, None, view.alignment))
        scored = sum(b.count for b in view.alignment_distribution)
        for b in view.alignment_distribution:
            rows.append(
                _row(
                    "alignment distribution",
                    selection.label,
                    option=_range_text(b.lower, b.upper),
                    n=b.count,
                    value=100 * b.count / scored if scored else None,
                )
            )
        labels = dict(view.scale)
        for item in view.likert:
            d = item.distribution
            if item.withheld:
                rows.append(
                    _row(
                        "answer distribution",
                        selection.label,
                        theme=item.text,
                        note=f"withheld: fewer than {view.k} answers, or a small group answered only part of its theme",
                    )
                )
                continue
            for scale_point, share in d.percentages.items():
                rows.append(
                    _row(
                        "answer distribution",
                        selection.label,
                        theme=item.text,
                        option=labels.get(scale_point, str(scale_point)),
                        n=d.answered,
                        value=share,
                        note="reverse-keyed item" if item.reverse else None,
                    )
                )
            rows.append(_row("not applicable rate", selection.label, theme=item.text, n=d.n, value=d.na_rate))
        for element in view.compassion:
            rows.append(_estimate_row("compassion element", selection.label, element.name, element.estimate))
        for domain in view.reliability:
            r = domain.reliability
            rows.append(
                _row("Cronbach's alpha", selection.label, theme=domain.theme.name, n=r.n, value=r.alpha, note=r.reason)
            )
        for start in view.where_to_start:
            rows.append(
                _row(
                    "where to start",
                    selection.label,
                    theme=start.theme.name,
                    n=start.estimate.n,
                    mean=start.estimate.mean,
                    low=start.estimate.low,
                    high=start.estimate.high,
                    value=start.misalignment,
                    note=", ".join(start.reasons),
                    detail=start.question,
                )
            )
    else:
        withheld("theme mean", selection, theme_names)
        withheld("alignment index", selection, [None])
        withheld("alignment distribution", selection, [None])

    heatmap_names = [t.name for t in view.heatmap_themes]
    for row in view.heatmap:
        if row.group.shown:
            for mean in row.means:
                rows.append(_estimate_row("team theme mean", row.group.label, mean.theme.name, mean.estimate))
            rows.append(_estimate_row("team alignment index", row.group.label, None, row.alignment))
        else:
            withheld("team theme mean", row.group, heatmap_names)
    for team in view.agreement:
        if team.group.shown:
            for theme in team.themes:
                rows.append(
                    _agreement_row(
                        "within-team agreement r_wg(J)",
                        team.group.label,
                        theme.theme.name,
                        theme.agreement,
                        split_note="this team's view is split",
                    )
                )
        else:
            withheld("within-team agreement r_wg(J)", team.group, theme_names)
    for point in view.trends:
        if point.group.shown:
            rows.append(_estimate_row("trend: alignment index", point.group.label, None, point.alignment))
            for mean in point.means:
                rows.append(_estimate_row("trend: theme mean", point.group.label, mean.theme.name, mean.estimate))
        else:
            withheld("trend: alignment index", point.group, [None])
    for p in view.participation:
        if p.group.n is None:
            withheld("participation", p.group, [None])
            continue
        note = (
            "team size not entered"
            if p.size is None
            else "not invited"
            if not p.invited_rounds
            else "headcount is not per role"
            if view.filters.role is not None
            else "low participation"
            if p.low
            else None
        )
        rows.append(
            _row("participation", p.group.label, n=p.group.n, value=None if p.rate is None else 100 * p.rate, note=note)
        )
    return rows


def _row(what: str, group: str, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(EXPORT_COLUMNS)
    row.update(what=what, group=group, **values)
    return row


def _estimate_row(what: str, group: str, theme: str | None, estimate: Estimate | None) -> dict[str, Any]:
    if estimate is None:
        return _row(what, group, theme=theme, n=0, note="not enough answers")
    return _row(what, group, theme=theme, n=estimate.n, mean=estimate.mean, low=estimate.low, high=estimate.high)


def _agreement_row(
    what: str, group: str, theme: str, agreement: Agreement | None, split_note: str = "view is split"
) -> dict[str, Any]:
    if agreement is None:
        return _row(what, group, theme=theme, note="not enough answers")
    notes = [n for n in (split_note if agreement.split else None, agreement.note) if n]
    return _row(what, group, theme=theme, value=agreement.value, note="; ".join(notes) or None)


def _decision_note(group: Group, k: int) -> str | None:
    decision = group.decision
    if decision.shown:
        return None
    if decision.empty:
        return "no data"
    if decision.reason == FEWER_THAN_K:
        return f"withheld: fewer than {k} responses"
    if decision.reason == PROTECTS_SMALL_GROUP:
        return PROTECTS_SMALL_GROUP
    return f"withheld: {decision.reason}"


def _range_text(lower: int, upper: int) -> str:
    # A true minus sign: a cell starting with "-" would be neutralised as a possible formula.
    return f"{lower} to {upper}".replace("-", "\u2212")
