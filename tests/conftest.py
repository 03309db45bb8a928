import os

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from tests import factories

# Time is measured by the benchmarks; on a shared, noisy machine a per-example deadline only adds flakes.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")


def pytest_collection_modifyitems(config, items):
    # Under CI a PostgreSQL-only test must fail, not skip, when it runs without PostgreSQL.
    for item in items:
        if item.get_closest_marker("postgres"):
            item.fixturenames.append("_require_postgres")


@pytest.fixture
def _require_postgres(db):
    if connection.vendor != "postgresql":
        message = f"needs PostgreSQL, running on {connection.vendor}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def site(db):
    """The home page and one page per section, as a fresh install has them."""
    from portal.services import site_ensure

    return site_ensure(hostname="testserver")


@pytest.fixture
def sections(site):
    return site.sections


@pytest.fixture
def make(sections):
    return factories.PageMaker(sections)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches; rolled-back data must not linger in a cached page."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
