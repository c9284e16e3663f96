"""A workshop's group is small and its intervals wide: a value written inside its bar, where the dashboard
writes it, is crossed by the interval's line. On the workshop's charts each value stands right of its
interval's end, on the axis's own scale, and nowhere inside a bar."""

from __future__ import annotations

import pytest

from services.i18n import LANGUAGES
from services.workshop import charts as workshop_charts
from tests.services.workshop.test_workshop_picture import five_people, round_of


def bars_and_values(chart):
    bars = [trace for trace in chart.figure.data if trace.type == "bar"]
    values = {(a.y, a.text): a for a in chart.figure.layout.annotations if a.xanchor == "left"}
    return bars, values


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("draw", [workshop_charts.ws_theme_means, workshop_charts.ws_compassion])
def test_each_value_stands_right_of_its_interval(draw, language):
    chart = draw(round_of(five_people(), k=4, language=language), language)
    bars, values = bars_and_values(chart)
    assert bars
    rows = 0
    for bar in bars:
        assert bar.text is None  # nothing written inside a bar
        ends = bar.error_x.array if bar.error_x.array is not None else [None] * len(bar.x)
        for x, y, plus in zip(bar.x, bar.y, ends):
            [label] = [a for (row, _text), a in values.items() if row == y]
            assert label.x >= (x or 0) + (plus or 0), y  # past the interval's end, not on it
            assert label.x < chart.figure.layout.xaxis.range[1]  # and on the chart
            rows += 1
    assert rows == len(values)
    assert list(chart.figure.layout.xaxis.tickvals) == [0, 25, 50, 75, 100]  # the scale still ends at 100
