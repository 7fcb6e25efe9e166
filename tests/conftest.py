"""Root test configuration: database passes, browser fixtures, accessibility checks.

Nothing here knows about Carepool's models (the shared world below only builds
tests.factories.World); app fixtures live in conftest files beside the tests that use them.

`make test` runs the whole suite on SQLite, then again on PostgreSQL when
CAREPOOL_TEST_POSTGRES_URL is set (`scripts/with-postgres make test`; CI always does).
Tests marked `postgres` run only in the PostgreSQL pass; tests that cannot depend on the
database run only in the SQLite pass (docs/adr/0015-what-runs-in-which-pass.md).
Tests marked `browser` drive Debian's Chromium through Playwright's sync API against
pytest-django's `live_server`:

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_home_is_accessible(live_server, page, axe_check):
        page.goto(live_server.url + "/")
        assert axe_check(page) == []
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# The suite runs on 2 shared cores, often beside the PostgreSQL pass or a browser: how fast
# Hypothesis can draw examples says nothing about the code, so a slow draw or a slow example
# must not fail a test. What each property asserts is unchanged.
hypothesis_settings.register_profile(
    "carepool", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# A dedicated run of every property with 10,000 examples: HYPOTHESIS_PROFILE=thorough
# (docs/ledger.md); "default" (or nothing) is the suite's own profile above.
hypothesis_settings.register_profile(
    "thorough",
    parent=hypothesis_settings.get_profile("carepool"),
    max_examples=10_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_profile = os.environ.get("HYPOTHESIS_PROFILE", "default").strip() or "default"
hypothesis_settings.load_profile("carepool" if _profile == "default" else _profile)

# Playwright's sync API keeps an asyncio event loop in the test thread, which makes Django
# refuse ORM calls from test code ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PROJECT_DIR = Path(__file__).resolve().parents[1]
TEST_RESULTS_DIR = PROJECT_DIR / "test-results"
CHROMIUM = Path(os.environ.get("CAREPOOL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BROWSER_TIMEOUT_MS = 10_000

POSTGRES_URL_VAR = "CAREPOOL_TEST_POSTGRES_URL"
POSTGRES_REQUIRED_IN_CI = "PostgreSQL is required in CI: CAREPOOL_TEST_POSTGRES_URL is not set"
POSTGRES_HOW_TO = (
    "needs PostgreSQL: run `scripts/with-postgres make test` "
    "(or set CAREPOOL_TEST_POSTGRES_URL and run `make test`)"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _database_is_postgresql() -> bool:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" in engine or "postgis" in engine


# --- The PostgreSQL pass -------------------------------------------------------------------


# Tests whose outcome cannot depend on the database under test run in the SQLite pass only
# (docs/adr/0015-what-runs-in-which-pass.md): the pure core (tests/core/conftest.py refuses
# any core test that asks for a database), processes that make their own SQLite database
# and drop any database URL from their environment, and the browser journeys, whose reads
# and writes go through the same views the test-client tests run on both databases.
# Everything else, anything touching SQL, transactions, locks, triggers or migrations
# included, runs in both passes.
SQLITE_PASS_ONLY_PATHS = (
    "tests/core/",
    "tests/test_production.py",
    "tests/cli/test_setup.py",
)
SQLITE_PASS_ONLY_MARKERS = ("browser",)
RAN_IN_THE_SQLITE_PASS = "does not depend on the database: runs in the SQLite pass (ADR 0015)"
# Set to 1 to run those tests in the PostgreSQL pass too.
BOTH_PASSES_VAR = "CAREPOOL_TEST_BOTH_PASSES"


def runs_in_the_sqlite_pass_only(item: pytest.Item) -> bool:
    path = Path(item.path).resolve()
    in_a_listed_file = PROJECT_DIR in path.parents and path.relative_to(
        PROJECT_DIR
    ).as_posix().startswith(SQLITE_PASS_ONLY_PATHS)
    return in_a_listed_file or any(
        item.get_closest_marker(marker) for marker in SQLITE_PASS_ONLY_MARKERS
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_world_sharing_modules] = modules_that_can_share_a_world(items)
    items[:] = slow_files_first(items)
    if _database_is_postgresql():
        if os.environ.get(BOTH_PASSES_VAR, "").strip() not in {"", "0"}:
            return
        once = pytest.mark.skip(reason=RAN_IN_THE_SQLITE_PASS)
        for item in items:
            if runs_in_the_sqlite_pass_only(item):
                item.add_marker(once)
        return
    if os.environ.get(POSTGRES_URL_VAR):
        reason = "runs in the PostgreSQL pass"
    elif in_ci():
        return  # pytest_runtest_setup fails them: CI must never skip them quietly.
    else:
        reason = POSTGRES_HOW_TO
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if (
        item.get_closest_marker("postgres")
        and in_ci()
        and not os.environ.get(POSTGRES_URL_VAR)
        and not _database_is_postgresql()
    ):
        pytest.fail(POSTGRES_REQUIRED_IN_CI, pytrace=False)


# --- Browser ---------------------------------------------------------------------------


_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Lets the page fixture see whether its test failed, to keep a screenshot.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    """Debian's headless Chromium, one per test session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    browser = _playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh browser context (own cookies and storage) for each test.

    When the test fails, a full-page screenshot is kept in test-results/.
    """
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    reports = request.node.stash.get(_reports_key, {})
    if any(report.failed for report in reports.values()):
        TEST_RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        # A failed screenshot must never hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(TEST_RESULTS_DIR / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def axe_check() -> Callable[[Any], list[dict[str, Any]]]:
    """Return a function that runs axe-core (WCAG 2.0-2.2 A and AA) on a page.

    It returns the violations, each cut down to what a person needs to fix it (rule, impact,
    help link and the offending elements), so `assert axe_check(page) == []` reads well.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make install` (npm ci)", pytrace=False)

    axe_source = AXE_JS.read_text(encoding="utf-8")

    def check(page: Any) -> list[dict[str, Any]]:
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern; a <script> tag (add_script_tag) would be refused as inline script.
        page.evaluate(axe_source)
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "helpUrl": violation["helpUrl"],
                "nodes": [
                    {"target": node["target"], "html": node["html"]} for node in violation["nodes"]
                ],
            }
            for violation in results["violations"]
        ]

    return check


_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push({
  directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
  line: e.lineNumber, sample: e.sample,
}));
"""


@pytest.fixture
def csp_violations(page: Any) -> Callable[[], list[dict[str, Any]]]:
    """Return a function listing what the page's Content-Security-Policy refused so far.

    Both the page's ``securitypolicyviolation`` events (from every page this ``page`` shows
    from now on, collected before any of its own scripts run) and Chromium's console reports.
    """
    console: list[dict[str, Any]] = []
    page.add_init_script(_CSP_LISTENER)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            console.append({"console": message.text, "url": page.url})

    page.on("console", on_console)

    def violations() -> list[dict[str, Any]]:
        events = page.evaluate("window.__cspViolations || []")
        return [{**event, "url": page.url} for event in events] + console

    return violations


# --- Speed ------------------------------------------------------------------------------------


# A test that commits (a transactional test: live server, threads, flush) cannot run inside a
# module's transaction.
TRANSACTIONAL_FIXTURES = frozenset(
    {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)
_world_sharing_modules = pytest.StashKey[frozenset[Path]]()


def modules_that_can_share_a_world(items: Iterable[Any]) -> frozenset[Path]:
    """The test files where every test asks for the ``world`` and none is transactional."""
    shareable: dict[Path, bool] = {}
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        transactional = bool(TRANSACTIONAL_FIXTURES & fixtures) or (
            marker is not None
            and any(
                marker.kwargs.get(option)
                for option in ("transaction", "reset_sequences", "serialized_rollback")
            )
        )
        path = Path(item.path)
        shareable[path] = shareable.get(path, True) and "world" in fixtures and not transactional
    return frozenset(path for path, ok in shareable.items() if ok)


# The files whose tests take seconds each (a browser, a subprocess, loading real reference
# data, database-backed properties). Started first, they run while the many short tests
# fill the other worker, instead of one of them being the last test of the run while the
# other worker has nothing left to do. Only the order changes; a file out of date here only
# costs time.
SLOW_FILES = (
    "tests/test_production.py",
    "tests/cli/test_setup.py",
    "tests/demo/test_demo.py",
    "tests/io/test_population.py",
    "tests/services/test_text_input.py",
    "tests/core/test_audit_chain.py",
)


def slow_files_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, those of slow files (SLOW_FILES, and any with a browser test) first.

    Whole files move, each keeping its own order, so a file's module-scoped fixtures are
    still set up once.
    """
    slow = {Path(item.path) for item in items if item.get_closest_marker("browser") is not None} | {
        PROJECT_DIR / path for path in SLOW_FILES
    }
    return sorted(items, key=lambda item: Path(item.path) not in slow)


@pytest.fixture(scope="module", autouse=True)
def _shared_world(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One ``World`` for a test file where every test asks for it and none commits.

    Building the world takes about a tenth of a second through the services (with their
    validation and audit events), and most tests only need it to exist. In such a file it is
    built once, in a transaction rolled back when the file's last test ends; each test runs
    in a savepoint inside it (the ``db`` fixture), so what one test writes is undone before
    the next, and gets its own deep copy of the world's Python objects, as Django's
    ``TestCase.setUpTestData`` does. Elsewhere this yields None and ``world`` builds a new
    world for each test.
    """
    if Path(request.node.path) not in request.config.stash.get(_world_sharing_modules, ()):
        yield None
        return
    from django.db import transaction

    from tests.factories import World

    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    outer = transaction.atomic()
    with blocker.unblock():
        outer.__enter__()
        try:
            world = World()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield world
    with blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Production hashing is deliberately slow; tests create many users, so use a fast hasher."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _close_stray_postgres_sessions(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """End sessions that browser tests leave open, so the test database can be dropped.

    After a browser test one PostgreSQL session stays open that Django's own teardown does
    not close (most likely a connection made in Playwright's greenlet, since Django's
    connections are context-local), so dropping the test database failed with "being
    accessed by other users". This runs just before that teardown.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
