"""Raw HTML (st.html, unsafe_allow_html) is written only from server-made values: never a name, title
or text typed by a person, nor anything from the link. Read from the source, so a new call with a
typed value fails here before any payload is tried."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAGES = sorted((Path(__file__).resolve().parents[2] / "app_pages").rglob("*.py"))
# What each raw-HTML call may interpolate: codes and tokens the server made, fixed names and numbers.
ALLOWED = {
    "info.code",
    "t('ws.code_aria')",
    "COOKIE",
    "token",
    "age",
    "secure",
    "DEVICE_COOKIE",
    "key",
    "marker",
    "COOKIE_AGE_SECONDS",
    "LINKS_COOKIE",
    "links",
    # the page's language (normalised to a supported code); the app's own words and the resume code as
    # JSON with "</" escaped; Streamlit's phrases and ours from the strings files, the same way
    "language",
    "t('results.code_copy')",
    "texts",
    "table",
    # the file name of Streamlit's own chart bundle, found on the server's disk (app_pages/chart_code.py)
    "PLOTLY_BUNDLE.name",
}


def raw_html_calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        is_html = isinstance(node.func, ast.Attribute) and node.func.attr == "html"
        unsafe = any(k.arg == "unsafe_allow_html" and getattr(k.value, "value", False) is True for k in node.keywords)
        if is_html or unsafe:
            yield node


def interpolated(call: ast.Call) -> set[str]:
    """What an f-string or a `TEMPLATE % {...}` puts into the HTML."""
    found = {
        ast.unparse(value.value)
        for arg in call.args
        for value in ast.walk(arg)
        if isinstance(value, ast.FormattedValue)
    }
    for arg in call.args:
        if isinstance(arg, ast.BinOp) and isinstance(arg.right, ast.Dict):
            found |= {ast.unparse(value) for value in arg.right.values}
    return found


def template_filled(arg: ast.expr) -> bool:
    """`TEMPLATE % {"name": value, ...}`: a fixed template filled from a dict (checked like f-string values)."""
    return (
        isinstance(arg, ast.BinOp)
        and isinstance(arg.op, ast.Mod)
        and isinstance(arg.left, (ast.Name, ast.Constant))
        and isinstance(arg.right, ast.Dict)
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_raw_html_holds_only_server_made_values(path):
    for call in raw_html_calls(path):
        for arg in call.args:
            assert isinstance(arg, (ast.Constant, ast.JoinedStr, ast.Name)) or template_filled(arg), ast.unparse(call)
        assert interpolated(call) <= ALLOWED, f"{path.name}:{call.lineno}: {interpolated(call) - ALLOWED}"


def test_the_check_sees_the_raw_html_calls():
    found = {path.name for path in PAGES if list(raw_html_calls(path))}
    assert {"shell.py", "staff.py", "screen.py"} <= found
