"""Fixtures shared by every test folder: one headless chromium for all browser tests.

There is one session-scoped ``browser``: Playwright's sync API runs an event loop in its thread,
so a second ``sync_playwright()`` in the same process (e.g. a module fixture elsewhere, in an
xdist worker that already started this one) fails with "using Playwright Sync API inside the
asyncio loop".

Locally, a missing chromium (apt-get install chromium) or axe-core (npm ci in tests/web/browser)
skips the test and says why; with ``CI=true`` it fails it, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "web" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> NoReturn:
    """Skip with ``reason`` locally; fail with it in CI, where everything must be installed."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        missing("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the web
    # tests' fixtures alongside it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def axe_violations(page: object) -> list[dict[str, object]]:
    """The serious and critical axe-core violations on ``page`` (axe is injected into it)."""
    if not AXE.exists():
        missing("axe-core is not installed (npm ci in tests/web/browser)")
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical")]


# The reference specifications and public sample files, beside the checkout (../shared) unless
# CAREBOARD_SHARED says where. They are not in the repository, so tests that read them call
# require_shared, which skips locally without them and fails in CI.
REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CAREBOARD_SHARED", REPO.parent / "shared"))


def require_shared(*parts: str) -> Path:
    """``SHARED / parts``, or skip (fail with CI=true) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        missing(
            f"{path} is not present (the shared reference folder beside the checkout, or CAREBOARD_SHARED)"
        )
    return path
