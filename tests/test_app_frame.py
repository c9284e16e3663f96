"""app.py only frames and routes. The layers between packages are import-linter contracts (pyproject.toml),
checked by scripts/test.sh before the tests run."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_roots(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_app_py_only_frames_and_routes():
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) <= 40
    assert imported_roots(ROOT / "app.py") <= {"streamlit", "app_pages"}
