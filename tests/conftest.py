"""Fixtures shared by every test module."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture
def shared_data():
    """The public data in ../shared/data, or a clean skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture(scope="module")
def demo_directory(django_db_setup, django_db_blocker):
    """The fictional demo directory, loaded once for a whole test module.

    Each test still runs in its own transaction (ask for `db` too), so what a test changes is
    rolled back; the demo itself is removed when the module ends.
    """
    from datetime import date

    from directory.demo import load_demo
    from directory.models import Location, Organization, Place, Service

    with django_db_blocker.unblock():
        summary = load_demo(today=date(2026, 11, 2))
    yield summary
    with django_db_blocker.unblock():
        Service.objects.all().delete()
        Organization.objects.all().delete()
        Location.objects.all().delete()
        Place.objects.all().delete()
