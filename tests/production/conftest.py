"""Shared fixtures for the production tests (PostgreSQL, Redis, nginx; see
scripts/setup_production.sh). Kept generic: each test module builds the
topology it needs (tests/production/topology.py).

PostgreSQL and Redis are throwaway servers started for this pytest session on
free loopback ports (tests/production/services.py), or the ones configured by
PGHOST / REDIS_HOST. One of each serves the whole session, started on first use.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.production import services
from tests.production.topology import Postgres, Redis


@pytest.hookimpl(trylast=True)  # after every fixture's teardown (topologies drop their databases first)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop and delete the session's throwaway servers now rather than at interpreter exit."""
    services.remove_all()


@pytest.fixture(scope="session")
def postgres() -> Postgres:
    """The session's PostgreSQL; fails clearly when it cannot be started or reached."""
    try:
        pg = Postgres()
        pg.connect().close()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"PostgreSQL could not be started or reached ({e}); run scripts/setup_production.sh")
    return pg


@pytest.fixture
def fresh_database(postgres: Postgres) -> Iterator[str]:
    """The name of a new, empty, uniquely named database, dropped afterwards."""
    name = postgres.create_database()
    yield name
    postgres.drop_database(name)


@pytest.fixture(scope="session")
def redis_server() -> Redis:
    """The session's Redis; fails clearly when it cannot be started or reached."""
    try:
        r = Redis()
        r.client().ping()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"Redis could not be started or reached ({e}); run scripts/setup_production.sh")
    return r


def own_server(server: services.Server, what: str, variable: str) -> services.Server:
    """``server`` if this session started it; else skip: a test cannot stop a server it does not own."""
    if not server.owned:
        pytest.skip(f"{what} is the one configured by {variable} ({server.host}:{server.port}); "
                    "only a throwaway server started by the tests may be stopped")
    return server


@pytest.fixture
def own_postgres(postgres: Postgres) -> services.Server:
    """The session's throwaway PostgreSQL, for tests that stop and start it."""
    return own_server(services.postgres(), "PostgreSQL", "PGHOST")


@pytest.fixture
def own_redis(redis_server: Redis) -> services.Server:
    """The session's throwaway Redis, for tests that stop and start it."""
    return own_server(services.redis(), "Redis", "REDIS_HOST")
