"""What a page drew, sorted by how the browser treats it, to check that typed text stays inert.

Streamlit renders Markdown in st.markdown, captions, titles, alerts and in the labels of buttons,
checkboxes, expanders, tabs and most widgets; it shows plain text in st.code, st.text, tables and
the options of a select box; st.html and unsafe_allow_html write raw HTML; plotly renders a subset
of HTML tags in its labels. `assert_inert` walks every element of an AppTest and checks each
surface by its own rule.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from app_pages.shell import plain

# (proto type, field) pairs whose text is shown as plain text
PLAIN_FIELDS = {
    ("Code", "code_text"),
    ("Text", "body"),
    ("TextInput", "value"),
    ("TextInput", "default"),
    ("TextArea", "value"),
    ("TextArea", "default"),
}
PLAIN_TYPES = {"Selectbox", "MultiSelect", "Arrow", "Json", "DataFrame"}  # options and cells: plain text
SKIPPED_FIELDS = {"id", "form_id", "key", "url", "page_script_hash", "icon"}


@dataclass
class Surfaces:
    markdown: list[str] = field(default_factory=list)  # rendered as Markdown
    plain: list[str] = field(default_factory=list)  # shown as typed
    html: list[str] = field(default_factory=list)  # raw HTML (st.html, unsafe_allow_html)
    figures: list[str] = field(default_factory=list)  # plotly label texts (a subset of HTML)
    cells: list[str] = field(default_factory=list)  # table cells and column names
    exceptions: list[str] = field(default_factory=list)


def surfaces(at) -> Surfaces:
    found = Surfaces()
    _walk(at._tree, found)
    for frame in at.dataframe:
        value = frame.value
        found.cells += [str(c) for c in value.columns] + [str(v) for v in value.astype(str).values.ravel()]
    return found


def _walk(node, found: Surfaces) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None:
        _collect(proto, found)
    for child in getattr(node, "children", {}).values():
        _walk(child, found)


def _collect(proto, found: Surfaces) -> None:
    kind = proto.DESCRIPTOR.name
    if kind == "Exception":
        found.exceptions.append(f"{proto.type}: {proto.message}")
        return
    if kind == "PlotlyChart":
        found.figures += _figure_strings(json.loads(proto.spec or "{}"))
        return
    if kind == "Html" or (kind == "Markdown" and proto.allow_html):
        found.html.append(proto.body)
        return
    for name, value in _strings(proto):
        if name in SKIPPED_FIELDS:
            continue
        if (kind in PLAIN_TYPES and name not in ("label", "help", "placeholder")) or (kind, name) in PLAIN_FIELDS:
            found.plain.append(value)
        else:
            found.markdown.append(value)


def _strings(message, prefix: str = ""):
    for descriptor, value in message.ListFields():
        repeated = (
            not isinstance(value, (str, bytes)) and not hasattr(value, "ListFields") and hasattr(value, "__len__")
        )
        values = value if repeated else [value]
        for item in values:
            if isinstance(item, str):
                yield descriptor.name, item
            elif hasattr(item, "ListFields"):
                if descriptor.message_type is not None and descriptor.message_type.GetOptions().map_entry:
                    continue
                yield from _strings(item)


def _figure_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key != "template" for s in _figure_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _figure_strings(item)]
    return []


def assert_inert(at, payloads, *, shown=()) -> None:
    """No traceback; no payload reaches Markdown unescaped, raw HTML or a plotly label unescaped;
    every payload in `shown` is on the page (escaped in Markdown, or as typed in plain text).
    """
    found = surfaces(at)
    assert found.exceptions == []
    # Each payload's escaped form is taken out first: one payload may hold another's text.
    markdown = [_without(text, map(plain, payloads)) for text in found.markdown]
    figures = [_without(text, map(html.escape, payloads)) for text in found.figures]
    for payload in payloads:
        for text in markdown:
            assert payload not in text, f"unescaped in Markdown: {payload!r} in {text!r}"
        for text in found.html:
            assert payload not in text and plain(payload) not in text, f"in raw HTML: {payload!r}"
        if "<" in payload or "&" in payload:
            for text in figures:
                assert payload not in text, f"unescaped in a chart label: {payload!r} in {text!r}"
    for payload in shown:
        assert (
            any(plain(payload) in text for text in found.markdown)
            or any(payload in text for text in found.plain + found.cells)
            or any(html.escape(payload) in text for text in found.figures)
        ), f"not shown: {payload!r}"


def _without(text: str, pieces) -> str:
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, "\0")
    return text
