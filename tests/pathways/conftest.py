import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def demo(demo_directory, db):
    return demo_directory


@pytest.fixture
def ask(api_client, demo):
    """POST a pathway request to the API on the demo directory; returns the plan."""
    from django.urls import reverse

    def ask(**request):
        response = api_client.post(reverse("pathways_api:pathways"), request, format="json")
        assert response.status_code == 200, response.json()
        return response.json()

    return ask
