from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from careboard.web.accounts.models import Role, User
from careboard.web.data import loads, values
from careboard.web.data.models import DataLoad
from careboard.web.scorecard import build
from careboard.web.worklists import items
from tests.web import factories

# Each role's persona: team scope and, for caseholders, their worker id.
PERSONAS: dict[str, dict[str, object]] = {
    Role.ADMINISTRATOR: {},
    Role.PERFORMANCE_LEAD: {},
    Role.SENIOR_LEADER: {},
    Role.BOARD_MEMBER: {},
    Role.SERVICE_MANAGER: {"service_area_id": "A1"},
    Role.TEAM_MANAGER: {"team_ids": ["T1"]},
    Role.SOCIAL_WORKER: {"team_ids": ["T1"], "professional_id": "W1"},
    Role.IRO: {"team_ids": ["T3"], "professional_id": "IRO1"},
    Role.AUDITOR: {},
    Role.ELECTED_MEMBER: {},
}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test: its own disk cache, empty memory caches, fast hashing and the test catalogue."""
    settings.CACHE_DIR = tmp_path / "cache"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(values, "indicators", lambda: dict(factories.CATALOGUE))
    loads.forget_memory()
    values.forget_live()
    items.forget()
    build.forget_rendered()
    yield
    loads.forget_memory()
    values.forget_live()
    items.forget()
    build.forget_rendered()


@pytest.fixture
def users(db: None) -> dict[str, User]:
    out = {}
    for role, extra in PERSONAS.items():
        user = User(username=str(role), role=role, **extra)
        user.set_unusable_password()
        user.save()
        out[str(role)] = user
    return out


@pytest.fixture
def loaded(db: None) -> DataLoad:
    return loads.store_load(factories.tables(), [], files=["tiny"], by_name="test")


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
