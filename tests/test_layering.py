"""Dependencies point one way: the scoring core and the question bank stay free of UI and storage."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = {
    "assessment": {"streamlit", "sqlalchemy", "db", "services", "app_pages", "pandas", "plotly"},
    "questions": {"streamlit", "sqlalchemy", "db", "services", "app_pages", "assessment", "pandas", "plotly"},
    "db": {"streamlit", "services", "app_pages"},
    "services": {"streamlit", "app_pages"},
}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(RULES))
def test_package_imports_respect_layers(package):
    offending = [f"{path.relative_to(ROOT)} imports {name}"
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for name in imported_modules(path) if name in RULES[package]]
    assert offending == []


def test_app_py_only_frames_and_routes():
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 40
    assert set(imported_modules(ROOT / "app.py")) <= {"streamlit", "app_pages"}
