"""A runtime on a fresh migrated database with the shipped question bank, per test.

Every service test runs on SQLite and, when VM_TEST_POSTGRES_URL is set (scripts/test.sh does),
on PostgreSQL too: test ids end in [sqlite] or [postgresql]. A test about SQLite itself would
keep to it with @pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True); none needs
to today (the SQLite file tests, WAL and pragmas, are in tests/db/test_engine.py).
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from services import runtime as runtime_module
from services.runtime import build_runtime
from services.settings import Settings
from tests.support.accounts import staff_account
from tests.support.dashboard_data import Shared
from tests.support.postgres import (
    BACKENDS,
    MIGRATED_DATABASE_FIXTURES,
    throwaway_database,
)


@pytest.fixture(scope="session", autouse=True)
def banks_read_once() -> Iterator[None]:
    """build_runtime reads and validates every bank file (pure-Python YAML, ~0.08 s of CPU); these
    tests build a runtime each, hundreds per backend, from the same files. They share one reading
    per folder and file state (name, size, mtime): a folder a test writes is read afresh, and a
    failed reading is never kept. Instruments are immutable, as the app's one runtime shares them."""
    read = runtime_module.load_banks
    readings: dict[tuple, dict] = {}

    def load_banks(directory):
        folder = Path(directory).resolve()
        state = tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in sorted(folder.glob("*.y*ml")))
        if (folder, state) not in readings:
            readings[folder, state] = read(directory)
        return dict(readings[folder, state])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runtime_module, "load_banks", load_banks)
        yield


@pytest.fixture(params=BACKENDS)
def migrated_database(request: pytest.FixtureRequest) -> str:
    """URL of an empty migrated database for this test (DATABASE_URL set to it), per backend."""
    return request.getfixturevalue(MIGRATED_DATABASE_FIXTURES[request.param])


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """URL of an empty migrated database shared by the tests of one module, per backend."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("module") / "vm.db"
        shutil.copyfile(request.getfixturevalue("migrated_database_template"), target)
        yield f"sqlite:///{target}"
    else:
        with throwaway_database(template=request.getfixturevalue("postgres_template")) as url:
            yield url


@pytest.fixture
def make_runtime(migrated_database):
    """Build a runtime (one app process) on this test's database, with the given settings; every runtime
    built closes its connections after the test. Modules that need other limits build theirs with it."""
    built = []

    def make(**settings):
        built.append(build_runtime(Settings(database_url=migrated_database, **settings)))
        return built[-1]

    yield make
    for rt in built:
        rt.engine.dispose()


@pytest.fixture
def runtime(make_runtime):
    return make_runtime(resume_free_attempts=3)


@pytest.fixture
def full_answers(runtime):
    """Every scored item answered 4, and the optional pairs left out."""
    return {item_id: 4 for item_id in runtime.instrument.required_ids}


@pytest.fixture
def root(runtime):
    """An admin, made without a password (hashing one is slow and beside the point where nobody signs in)."""
    return staff_account(runtime, "root", "admin")


@pytest.fixture
def anna(runtime):
    """A facilitator account (the workshop tests)."""
    return staff_account(runtime, "anna", "facilitator")


# --- the dashboard tests' shared read-only database (one per test module) ------------------------


@pytest.fixture(scope="module")
def shared(module_database):
    runtime = build_runtime(Settings(database_url=module_database))
    yield Shared(runtime)
    runtime.engine.dispose()


@pytest.fixture
def world(shared):
    return shared.world


@pytest.fixture
def north_runtime(shared):
    return shared.runtime
