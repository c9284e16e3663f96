"""The group's picture of a workshop as the screens draw it: the counts, each round's charts and
where to start. The facilitator's screen (screen.py) draws each chart with its table; the presenter view
(presenter_view.py), made for the room, without the tables' expanders.

Both screens draw anew every few seconds, and a picture changes only when its snapshot moves: what a
picture draws is kept (st.cache_data replays the drawn elements), keyed on the picture's whole content, so
a refresh costs a read of the database, not the building of every chart again.
"""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from app_pages import shell
from app_pages.shell import plain, t
from services.formatting import format_score
from services.workshop import charts, comparison_chart
from services.workshop.picture import Prompt


def counts(view, *, explained: bool = True) -> None:
    """Joined, answered and in the picture; `explained`: with the help icon saying why the picture lags."""
    info = view.info
    joined, answered, shown = st.columns(3)
    joined.metric(t("ws.joined"), info.joined)
    answered.metric(t("ws.answered", round=info.current_round), info.submitted_now)
    shown.metric(
        t("ws.in_picture"),
        view.shown.get(info.current_round, 0) if info.results_visible else "–",
        help=t("ws.in_picture_help", k=info.k) if explained else None,
    )


def pictures(view, language: str, *, tables: bool = True) -> None:
    """The comparison of the rounds (once both are shown), then each round's picture, newest first."""
    info = view.info
    if view.comparison is not None:
        _comparison(repr(view.comparison), view.comparison, language, info.k, tables)
    for picture in reversed(view.pictures):
        round_picture(info, picture, view.shown.get(picture.round_no, 0), language, tables)


def round_picture(info, picture, shown: int, language: str, tables: bool) -> None:
    if info.current_round > 1:
        st.header(t("ws.round_heading", round=picture.round_no))
    submitted = info.submitted.get(picture.round_no, 0)
    if not picture.shown:
        st.progress(min(1.0, submitted / info.k), text=t("ws.waiting_for_k", n=submitted, k=info.k))
        st.markdown(t("ws.below_k", k=info.k))
        return
    if submitted > shown:
        st.caption(t("ws.snapshot", shown=shown, n=submitted, more=max(1, info.k - (submitted - shown)), k=info.k))
    _drawn_picture(picture_key(picture), picture, language, tables)


def picture_key(picture) -> str:
    """All a picture's content (its instrument by its hash): two pictures with the same key draw the same."""
    return f"{picture.instrument.content_hash}|{picture!r}"


# The key holds everything drawn (the arguments starting with _ are not hashed); the language is the page's,
# which the words around the charts are in.
@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _drawn_picture(key: str, _picture, language: str, tables: bool) -> None:
    where_to_start(_picture, language)
    bands, means, spread, agreement, compassion = charts.picture_charts(_picture, language)
    show(bands, tables)
    for pair in ((spread, agreement), (means, compassion)):
        for column, chart in zip(st.columns(2), pair):
            with column:
                show(chart, tables)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def _comparison(key: str, _compared, language: str, k: int, tables: bool) -> None:
    show(comparison_chart.ws_comparison(_compared, language, k=k), tables)


def where_to_start(picture, language: str) -> None:
    if not picture.where_to_start:
        return
    st.subheader(t("ws.where_to_start"))
    columns = st.columns(len(picture.where_to_start))
    prompts: dict[str, list[Prompt]] = {}
    for prompt in picture.prompts:
        prompts.setdefault(prompt.theme.id, []).append(prompt)
    for column, point in zip(columns, picture.where_to_start):
        with column.container(border=True):
            st.markdown(f"**{plain(point.theme.name)}** · {format_score(point.estimate.mean, language)}")
            st.markdown(t(f"ws.reason_{point.reasons[0].replace(' ', '_')}") if point.reasons else "")
            st.markdown(f"*{plain(point.question)}*")
            for prompt in prompts.get(point.theme.id, []):
                st.markdown(f"- {plain(prompt.text)}")


def show(chart, tables: bool = True) -> None:
    """A chart with its summary; with its table behind an expander unless `tables` is off (the room's view)."""
    chart = replace(chart, title=plain(chart.title), summary=plain(chart.summary))
    if tables:
        shell.show_chart(chart)
        return
    st.markdown(f"**{chart.title}**")
    st.plotly_chart(
        for_the_room(chart.figure),
        key=f"chart-{chart.name}",
        width="stretch",
        config={"displayModeBar": False},
        alt=chart.title,
    )
    st.caption(chart.summary)


ROOM_FONT_SIZE = 16  # the charts' own are made for a desk (11-14)
ROOM_MIN_HEIGHT = 400  # px: a short chart's axis title, in the larger words, would run out of the chart


def for_the_room(figure):
    """A copy of the figure with its words larger, read from the back of a room."""
    figure = go.Figure(figure)
    height = max(figure.layout.height or 0, ROOM_MIN_HEIGHT)
    figure.update_layout(font_size=ROOM_FONT_SIZE, legend_font_size=ROOM_FONT_SIZE, height=height)
    figure.update_xaxes(tickfont_size=ROOM_FONT_SIZE - 1, title_font_size=ROOM_FONT_SIZE)
    figure.update_yaxes(tickfont_size=ROOM_FONT_SIZE - 1, title_font_size=ROOM_FONT_SIZE)
    figure.update_annotations(font_size=ROOM_FONT_SIZE)
    return figure
