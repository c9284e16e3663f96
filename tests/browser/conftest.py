"""Real-browser test harness: Playwright (sync API) + Debian's Chromium + a live Streamlit server.

Fixtures
    browser            session-scoped Chromium (``/usr/bin/chromium``, headless)
    start_app_server   factory: ``start_app_server(script_path, extra_env=None)`` starts
                       ``streamlit run <script>`` on a free loopback port with its own fresh
                       SQLite DATABASE_URL and returns a ``StreamlitServer`` (``.url``,
                       ``.database_url``, ``.log()``, ``.stop()``; usable as a context manager)
    app_server         session-scoped server running the repository's ``app.py``
    page               fresh browser context + page per test (1280x900, en-GB); a screenshot
                       is saved to ``artifacts/screenshots/<test name>.png`` when the test fails

Helper
    wait_for_streamlit(page)   wait until the app is connected and its script run has finished
    click_and_wait(page, loc)  click a button and wait for the run it starts to finish
    (import it with ``from tests.browser.conftest import wait_for_streamlit``)

Every test under tests/browser/ is marked ``browser`` automatically.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import local_servers

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
PAGE_TIMEOUT_MS = 15_000  # default timeout of Playwright actions and waits
# Results and dashboard draw every chart (and a PDF) in their first run: on a loaded 2-core machine
# (the 16 writer processes next door) that alone can pass 15 s.
SLOW_PAGE_TIMEOUT_MS = 60_000
EXPECT_TIMEOUT_MS = 20_000  # default timeout of expect(): a page drawing its charts beside the writer tests

_REPORTS = pytest.StashKey[dict]()


# --------------------------------------------------------------------------- marking / reports


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _test_failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = (
            f"{CHROMIUM} not found: browser tests need Debian's 'chromium' package "
            "(scripts/test.sh installs it; or: apt-get install -y chromium). "
            'Run only the fast tests with -m "not browser".'
        )
        if os.environ.get("VM_ALLOW_SKIP_BROWSER") == "1":
            pytest.skip(message + " [skipped: VM_ALLOW_SKIP_BROWSER=1]")
        pytest.fail(message, pytrace=False)

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        if _test_failed(request.node):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_") or "test"
            path = SCREENSHOT_DIR / f"{name}.png"
            try:
                pg.screenshot(path=str(path), full_page=True)
                sys.stderr.write(f"\nscreenshot of failed test saved to {path}\n")
            except Exception as exc:  # the page may be gone; never mask the real failure
                sys.stderr.write(f"\ncould not save screenshot {path}: {exc}\n")
        context.close()


def wait_for_streamlit(page, timeout: float = PAGE_TIMEOUT_MS, *, allow_exception: bool = False):
    """Wait until the Streamlit app in ``page`` is connected and idle (its script run finished).

    Call it after ``page.goto(url)`` and after every interaction that triggers a rerun (click,
    fill + Enter, ...). Raises AssertionError if the script failed to compile or the page shows a
    Python exception box (``stException``), unless ``allow_exception`` is true. Prefer
    Playwright's auto-waiting ``expect(locator)...`` for the actual assertions.
    """
    app = '[data-testid="stApp"]'
    page.wait_for_selector(f'{app}[data-test-connection-state="CONNECTED"]', state="attached", timeout=timeout)
    # A click's rerun request reaches the server asynchronously: give the script state a moment to
    # leave "notRunning" before waiting for it to come back.
    page.wait_for_timeout(250)
    # "compilationError" (a SyntaxError in the script) also ends the run; it is reported below
    # (the error is shown in a dialog, stDialog, not as an stException element).
    page.wait_for_selector(
        f'{app}[data-test-script-state="notRunning"], {app}[data-test-script-state="compilationError"]',
        state="attached",
        timeout=timeout,
    )
    page.wait_for_selector(
        '[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]', state="detached", timeout=timeout
    )
    if not allow_exception:
        if page.locator(f'{app}[data-test-script-state="compilationError"]').count():
            dialog = page.locator('[data-testid="stDialog"]')
            detail = dialog.first.inner_text() if dialog.count() else "(no error dialog found)"
            raise AssertionError("the Streamlit script failed to compile:\n" + detail)
        exceptions = page.locator('[data-testid="stException"]')
        if exceptions.count():
            raise AssertionError("the Streamlit app shows an exception:\n" + exceptions.first.inner_text())


# The whole document is watched, not the stApp element found now: should the app's element be drawn anew, the
# run's change of state happens on the new one.
_WATCH_SCRIPT_STATE = """() => {
  window.__vmRunSeen = false;
  if (window.__vmRunWatcher) window.__vmRunWatcher.disconnect();
  window.__vmRunWatcher = new MutationObserver(() => { window.__vmRunSeen = true; });
  window.__vmRunWatcher.observe(document.body,
    {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
}"""


RUN_SEEN_MS = 10_000  # how long a click's run may take to show that it started


def click_and_wait(page, locator, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Click something that reruns the script (a button), and wait until that run has finished.

    `wait_for_streamlit` alone can look before a slow machine has started the click's run, and the
    next step then lands in the middle of it (a typed value was lost that way). Here the page itself
    notes any change of the script state after the click, so the wait cannot end before the run began.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    wait_for_streamlit(page, timeout)
    page.evaluate(_WATCH_SCRIPT_STATE)
    locator.click()
    try:
        page.wait_for_function("() => window.__vmRunSeen === true", timeout=min(timeout, RUN_SEEN_MS))
    except PlaywrightTimeoutError:
        # Seen once under heavy load: the click's run happened (the page moved on) and the state never changed
        # on the page, perhaps its start and end drawn in one update. What the test expects next still decides.
        pass
    wait_for_streamlit(page, timeout)


# --------------------------------------------------------------------------- streamlit server


@dataclass
class StreamlitServer:
    script: Path
    port: int
    database_url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything the server printed (stdout and stderr) so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _launch(script: Path, env: dict[str, str], database_url: str, log_path: Path) -> StreamlitServer:
    port = local_servers.free_port()
    process = local_servers.start_streamlit(script, port, env=env, cwd=REPO_ROOT, log_path=log_path)
    server = StreamlitServer(script, port, database_url, log_path, process)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _healthy(server.url):
            return server
        time.sleep(0.2)
    server.stop()
    state = (
        f"exited with code {process.returncode}"
        if process.returncode is not None
        else (f"did not answer 'ok' on {server.url}/_stcore/health within {SERVER_START_TIMEOUT:.0f} s")
    )
    raise _ServerStartError(
        f"streamlit server for {script} {state}.\ncommand: {' '.join(local_servers.streamlit_command(script, port))}\n"
        f"--- server output ({log_path}) ---\n{server.log()}"
    )


class _ServerStartError(RuntimeError):
    pass


@pytest.fixture(scope="session")
def start_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., StreamlitServer]]:
    started: list[StreamlitServer] = []

    def start(script_path: str | os.PathLike, extra_env: Mapping[str, str] | None = None) -> StreamlitServer:
        script = Path(script_path).resolve()
        if not script.is_file():
            pytest.fail(f"streamlit script not found: {script}", pytrace=False)
        workdir = tmp_path_factory.mktemp("streamlit-server")
        env = dict(os.environ)
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'vm.db'}"
        env["PYTHONUNBUFFERED"] = "1"
        env.update(extra_env or {})
        last_error: Exception | None = None
        for _attempt in range(3):  # the free port may be taken between probing and binding
            try:
                server = _launch(script, env, env["DATABASE_URL"], workdir / "server.log")
            except _ServerStartError as exc:
                last_error = exc
                if "already in use" in str(exc):
                    continue
                break
            started.append(server)
            return server
        pytest.fail(str(last_error), pytrace=False)

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def app_server(start_app_server) -> StreamlitServer:
    """The repository's app.py, served once for the whole session (one shared fresh database)."""
    return start_app_server(REPO_ROOT / "app.py")
