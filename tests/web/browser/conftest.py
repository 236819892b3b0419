"""Browser tests: Playwright driving Debian's chromium headless against Django's live server.

Needs /usr/bin/chromium (apt-get install chromium) and, for the accessibility scans, axe-core
installed here (npm ci in this folder). Without them the tests are skipped and say why, or fail
with CI=true (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from careboard.web.accounts.models import User
from careboard.web.data import loads
from tests.web import factories
from tests.web.conftest import PERSONAS

# The session's one chromium (``browser``) and the axe-core scan (``axe_violations``) are in
# tests/conftest.py, shared with the engine's report tests.

PASSWORD = "a long test passphrase 42"


def load_council(tables: dict[str, pl.DataFrame] | None = None) -> None:
    """The small test council as the current load, and one user per persona (password PASSWORD)."""
    loads.store_load(tables or factories.tables(), [], files=["tiny"], by_name="test")
    for role, extra in PERSONAS.items():
        User.objects.create_user(str(role), password=PASSWORD, role=role, **extra)


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    # bypass_csp only so the axe-core scan can be injected; the pages themselves run under the CSP
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
