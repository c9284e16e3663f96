"""A runtime on a fresh SQLite file with the shipped question bank, per test."""
import pytest

from services.runtime import build_runtime
from services.settings import Settings


@pytest.fixture
def runtime(tmp_path):
    rt = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'vm.db'}", resume_free_attempts=3))
    yield rt
    rt.engine.dispose()


@pytest.fixture
def full_answers(runtime):
    """Every scored item answered 4, and the optional pairs left out."""
    return {item_id: 4 for item_id in runtime.instrument.required_ids}
