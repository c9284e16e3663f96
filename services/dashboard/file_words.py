"""The words and numbers the dashboard's CSV, XLSX and PDF share: what a row is, its group and note in
the file's language, how many decimals a number keeps, and the lines saying what the file is about."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from assessment.anonymity import NOT_OFFERED, PROTECTS_SMALL_GROUP
from services.dashboard.parts import ITEMS_DIFFER, LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW
from services.dashboard.rows import EXPORT_COLUMNS
from services.dashboard.stats import (
    MORE_SPREAD_THAN_UNIFORM,
    NO_SCORE_VARIANCE,
    NOT_ENOUGH_ANSWERS,
    TOO_FEW_FOR_ALPHA,
    TOO_FEW_ITEMS,
)
from services.dashboard.view_types import DashboardView
from services.formatting import format_datetime
from services.i18n import t
from services.output.cells import neutralise_cell

NUMBER_COLUMNS = ("n", "mean", "low", "high", "value")
TEXT_COLUMNS = tuple(c for c in EXPORT_COLUMNS if c not in NUMBER_COLUMNS)
TWO_DECIMALS = frozenset({"agreement r_wg(J)", "within-team agreement r_wg(J)", "Cronbach's alpha"})
"""The `what` whose value is an r_wg or an alpha (0..1); every other value and mean is on 0..100."""

# export_rows' English vocabulary -> the strings key that says it in the file's language
WHAT_KEYS = {
    "responses": "responses",
    "theme mean": "theme_mean",
    "agreement r_wg(J)": "agreement",
    "alignment index": "alignment",
    "alignment distribution": "alignment_distribution",
    "answer distribution": "answer_distribution",
    "not applicable rate": "not_applicable_rate",
    "compassion element": "compassion_element",
    "Cronbach's alpha": "alpha",
    "where to start": "where_to_start",
    "team theme mean": "team_theme_mean",
    "team alignment index": "team_alignment",
    "within-team agreement r_wg(J)": "team_agreement",
    "trend: alignment index": "trend_alignment",
    "trend: theme mean": "trend_theme_mean",
    "participation": "participation",
}
NOTE_KEYS = {
    "no data": "no_data",
    PROTECTS_SMALL_GROUP: "protects_small_group",
    NOT_OFFERED: "not_offered",
    NOT_ENOUGH_ANSWERS: "not_enough_answers",
    "this team's view is split": "team_view_split",
    "view is split": "view_split",
    MORE_SPREAD_THAN_UNIFORM: "more_spread_than_uniform",
    "reverse-keyed item": "reverse_keyed",
    TOO_FEW_FOR_ALPHA: "too_few_for_alpha",
    TOO_FEW_ITEMS: "too_few_items",
    NO_SCORE_VARIANCE: "no_score_variance",
    ITEMS_DIFFER: "items_differ",
    MISALIGNED: "misaligned",
    LEAST_ALIGNED: "least_aligned",
    SPLIT_VIEW: "split_view",
    "team size not entered": "size_not_entered",
    "not invited": "not_invited",
    "headcount is not per role": "not_per_role",
    "low participation": "low_participation",
}
GROUP_KEYS = {
    "all teams": "all_teams",
    "all rounds": "all_rounds",
    "all roles": "all_roles",
    "role not given": "role_not_given",
}
GROUP_SEPARATOR = " · "
_FEWER_THAN_K = re.compile(r"withheld: fewer than (\d+) responses")
_FEWER_ANSWERS = re.compile(r"withheld: fewer than (\d+) answers, or a small group answered only part of its theme")
_WITHHELD = "withheld: "
# Longest first, so "this team's view is split" is one phrase, not a prefix and "view is split".
_PHRASES = re.compile("|".join(re.escape(p) for p in sorted(NOTE_KEYS, key=len, reverse=True)))


def export_filename(organisation_name: str, generated_at: datetime, extension: str, chosen: Sequence[str] = ()) -> str:
    """valuematch-dashboard-<organisation>[-<each chosen filter>]-<YYYYMMDD-HHMM>.<extension>, ASCII only,
    so files of different filters saved side by side keep apart."""
    parts = [slug(organisation_name), *(slug(name, "filter")[:30].strip("-") for name in chosen)]
    return f"valuematch-dashboard-{'-'.join(parts)}-{generated_at:%Y%m%d-%H%M}.{extension}"


def chosen_filters(view: DashboardView) -> tuple[str, ...]:
    """The names of the filters the view was made with (team, intervention, round, role), in that order."""
    options, filters = view.options, view.filters

    def name_of(choices, wanted) -> list[str]:
        return [choice.label for choice in choices if choice.id == wanted] if wanted is not None else []

    rounds = [r.name for r in options.rounds if r.id == filters.round_id] if filters.round_id is not None else []
    return (
        *name_of(options.teams, filters.team_id),
        *name_of(options.interventions, filters.intervention_id),
        *rounds,
        *name_of(options.roles, filters.role),
    )


def slug(name: str, fallback: str = "organisation") -> str:
    """Lower-case ASCII letters, digits and single hyphens ("Zorg Één" -> "zorg-een")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or fallback


def what_text(what: str, language: str) -> str:
    """An export row's `what` in the file's language (an unknown one as it is)."""
    key = WHAT_KEYS.get(what)
    return t(f"dashboard_export.what.{key}", language) if key else what


def note_text(note: str | None, language: str) -> str | None:
    """An export row's `note` in the file's language; known phrases translated, anything else kept."""
    if note is None:
        return None
    if match := _FEWER_THAN_K.fullmatch(note):
        return t("dashboard_export.note.fewer_than_k", language, k=match[1])
    if match := _FEWER_ANSWERS.fullmatch(note):
        return t("dashboard_export.note.fewer_answers_than_k", language, k=match[1])
    if note.startswith(_WITHHELD):
        return t(
            "dashboard_export.note.withheld_because", language, reason=_phrases(note.removeprefix(_WITHHELD), language)
        )
    return _phrases(note, language)


def _phrases(text: str, language: str) -> str:
    return _PHRASES.sub(lambda m: t(f"dashboard_export.note.{NOTE_KEYS[m[0]]}", language), text)


def group_text(label: str, language: str) -> str:
    """A group label ("Mid · all rounds · all roles") with its generic parts in the file's language."""
    return GROUP_SEPARATOR.join(
        t(f"dashboard_export.group.{GROUP_KEYS[part]}", language) if part in GROUP_KEYS else part
        for part in label.split(GROUP_SEPARATOR)
    )


def decimals(column: str, what: str) -> int:
    """Decimals a number of `column` keeps: n whole, r_wg and alpha 2, means and percentages 1."""
    if column == "n":
        return 0
    return 2 if column == "value" and what in TWO_DECIMALS else 1


def rounded(row: Mapping[str, Any], column: str) -> int | float | None:
    """The row's number in `column`, rounded for the file (None stays None; never a -0.0)."""
    value = row[column]
    if value is None:
        return None
    places = decimals(column, row["what"])
    if places == 0:
        return int(value)
    return round(float(value), places) + 0.0  # + 0.0 turns -0.0 into 0.0


def file_row(row: Mapping[str, Any], language: str) -> dict[str, Any]:
    """An export row as a file writes it: words translated and neutralised, numbers rounded."""
    words = {
        "what": what_text(row["what"], language),
        "group": group_text(row["group"], language),
        "note": note_text(row["note"], language),
    }
    out: dict[str, Any] = {}
    for column in EXPORT_COLUMNS:
        if column in NUMBER_COLUMNS:
            out[column] = rounded(row, column)
        else:
            out[column] = neutralise_cell(words.get(column, row[column]))
    return out


def context_lines(view: DashboardView, rows: list[dict[str, Any]], generated_at: datetime) -> list[tuple[str, str]]:
    """(label, text) pairs saying what the file is about; names neutralised."""
    language = view.language
    responses = rows[0]  # export_rows starts with the selection's responses
    n = str(responses["n"]) if responses["n"] is not None else note_text(responses["note"], language)
    pairs = [
        ("organisation", view.organisation_name),
        ("selection", group_text(view.selection.label, language)),
        ("instruments", ", ".join(view.instruments)),
        ("responses", n or ""),
        ("k", str(view.k)),
        (
            "generated",
            t("dashboard_export.context.generated_value", language, when=format_datetime(generated_at, language)),
        ),
        ("withheld", t("dashboard_export.context.withheld_text", language, k=view.k)),
    ]
    if view.selection.shown:  # a selection without numbers needs no word on how they are rounded
        pairs.append(("numbers", t("dashboard_export.context.numbers_text", language)))
    return [(t(f"dashboard_export.context.{key}", language), neutralise_cell(text)) for key, text in pairs]
