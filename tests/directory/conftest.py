from datetime import date, time

import pytest
from rest_framework.test import APIClient

from directory.models import ServiceLanguage
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceLanguageFactory,
)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def organization(db):
    return OrganizationFactory(
        name="Imaginary Sikh Community Trust",
        website="https://imaginary-sikh.example",
        ethnic_minority_led=True,
        user_led=False,
    )


@pytest.fixture
def service(organization):
    """A drop-in in Wolverhampton with Punjabi-speaking staff and an interpreter for Urdu."""
    service = ServiceFactory(
        organization=organization,
        name="Imaginary Gurdwara Wellbeing Drop-in",
        slug="imaginary-gurdwara-wellbeing",
        description="Tea and a chat with someone who speaks Punjabi.",
        url="https://imaginary-sikh.example/wellbeing",
        types=["faith_based", "bme_community_org"],
        needs_codes=["emotional_support", "faith_spiritual"],
        community_codes=["indian"],
        routes=["self_referral", "drop_in"],
        minimum_age=16,
        assured_date=date(2026, 10, 1),
        assurance_role="community_champion",
        assurance_method="visit",
    )
    ServiceAtLocationFactory(
        service=service,
        location=LocationFactory(
            name="Imaginary Gurdwara hall",
            address_1="7 Makebelieve Road",
            town="Wolverhampton",
            postcode="WV1 9ZZ",
            latitude=52.5862,
            longitude=-2.1288,
        ),
    )
    ServiceLanguageFactory(
        service=service, language_id="pa", provision=ServiceLanguage.Provision.STAFF
    )
    ServiceLanguageFactory(
        service=service, language_id="ur", provision=ServiceLanguage.Provision.INTERPRETER
    )
    phone = PhoneFactory(
        service=service, number="0121 496 0001", description="Ask for the wellbeing team"
    )
    phone.languages.set(["pa", "en"])
    ScheduleFactory(service=service, weekday=2, opens_at=time(18), closes_at=time(22))
    return service


@pytest.fixture
def refuge(organization):
    """A women's refuge whose address must never leave the server."""
    refuge = ServiceFactory(
        organization=organization,
        name="Imaginary Women's Refuge",
        slug="imaginary-womens-refuge",
        gender="female",
        types=["housing_support"],
        needs_codes=["domestic_abuse"],
    )
    ServiceAtLocationFactory(
        service=refuge,
        location=LocationFactory(
            name="Safe house",
            address_1="99 Secret Street",
            address_2="Flat 2",
            town="Birmingham",
            postcode="B11 9ZZ",
            latitude=52.456789,
            longitude=-1.865432,
            accessibility="Ground-floor rooms",
            confidential=True,
        ),
    )
    return refuge
