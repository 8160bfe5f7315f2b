"""Shared fixtures for the production tests (PostgreSQL, Redis, nginx; see
scripts/setup_production.sh). Kept generic: each test module builds the
topology it needs (tests/production/topology.py)."""
from __future__ import annotations

import pytest

from tests.production.topology import Postgres, Redis


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    """The machine's PostgreSQL (PGHOST/PGPORT/PGUSER); fails clearly when it is down."""
    pg = Postgres()
    try:
        pg.connect().close()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"PostgreSQL is not reachable on {pg.host}:{pg.port} ({e}); run scripts/setup_production.sh")
    return pg


@pytest.fixture
def fresh_database(postgres: Postgres):
    """The name of a new, empty, uniquely named database, dropped afterwards."""
    name = postgres.create_database()
    yield name
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def redis_server() -> Redis:
    """The machine's Redis (REDIS_HOST/REDIS_PORT); fails clearly when it is down."""
    r = Redis()
    try:
        r.client().ping()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable on {r.host}:{r.port} ({e}); run scripts/setup_production.sh")
    return r
