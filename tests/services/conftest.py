"""A runtime on a fresh SQLite file with the shipped question bank, per test."""
import pytest

from services.runtime import build_runtime
from services.settings import Settings


@pytest.fixture
def runtime(migrated_database):
    rt = build_runtime(Settings(database_url=migrated_database, resume_free_attempts=3))
    yield rt
    rt.engine.dispose()


@pytest.fixture
def full_answers(runtime):
    """Every scored item answered 4, and the optional pairs left out."""
    return {item_id: 4 for item_id in runtime.instrument.required_ids}


# --- the dashboard tests' shared read-only database (one per test module) ------------------------

from tests.services.dashboard_fixtures import Shared  # noqa: E402


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    db_url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'vm.db'}"
    runtime = build_runtime(Settings(database_url=db_url))
    yield Shared(runtime)
    runtime.engine.dispose()


@pytest.fixture
def world(shared):
    return shared.world


@pytest.fixture
def north_runtime(shared):
    return shared.runtime
