from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from directory.models import Service
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    """A staff member in the Moderators group: not a superuser."""
    user = User.objects.create_user(
        "amina", email="amina@navigator.example", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def changelist(**params):
    return reverse("admin:directory_service_changelist"), params


def test_a_moderator_can_open_every_directory_list_and_add_page(moderator_client):
    for model in ("service", "organization", "location", "place"):
        assert (
            moderator_client.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200
        )
        assert moderator_client.get(reverse(f"admin:directory_{model}_add")).status_code == 200
    for model in ("taxonomyterm", "language"):
        assert (
            moderator_client.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200
        )


def test_a_moderator_cannot_change_the_vocabulary(moderator_client):
    assert moderator_client.get(reverse("admin:directory_taxonomyterm_add")).status_code == 403


def test_the_service_change_page_has_inlines_for_locations_phones_languages_and_hours(
    moderator_client, service
):
    html = moderator_client.get(
        reverse("admin:directory_service_change", args=[service.pk])
    ).content.decode()
    for prefix in ("service_at_locations", "phones", "languages", "schedules"):
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    assert "Checks and history" in html


@pytest.mark.parametrize(
    "params",
    [
        {"type": "faith_based"},
        {"need": "emotional_support"},
        {"town": "Wolverhampton"},
        {"language": "pa"},
        {"checked": "recent"},
    ],
)
def test_each_filter_finds_the_service(moderator_client, service, params):
    ServiceFactory(name="Imaginary Other Service")
    html = moderator_client.get(
        reverse("admin:directory_service_changelist"), params
    ).content.decode()
    assert "Imaginary Gurdwara Wellbeing Drop-in" in html
    assert "Imaginary Other Service" not in html


@pytest.mark.parametrize(
    "checked,expected", [("stale", "Stale Imaginary"), ("never", "Unchecked Imaginary")]
)
def test_the_checked_filter_finds_stale_and_never_checked_listings(
    moderator_client, checked, expected
):
    ServiceFactory(name="Stale Imaginary", assured_date=timezone.localdate() - timedelta(days=400))
    ServiceFactory(name="Unchecked Imaginary", assured_date=None)
    ServiceFactory(name="Fresh Imaginary", assured_date=timezone.localdate())
    html = moderator_client.get(
        reverse("admin:directory_service_changelist"), {"checked": checked}
    ).content.decode()
    assert expected in html
    assert "Fresh Imaginary" not in html


def test_search_finds_a_service_by_postcode_and_by_organisation(moderator_client, service):
    for query in ("WV1 9ZZ", "Sikh Community", "0121 496 0001"):
        html = moderator_client.get(
            reverse("admin:directory_service_changelist"), {"q": query}
        ).content.decode()
        assert "Imaginary Gurdwara Wellbeing Drop-in" in html, query


def test_marking_as_checked_today_records_who_how_and_when(moderator_client, moderator, service):
    stale = ServiceFactory(assured_date=date(2020, 1, 1))
    response = moderator_client.post(
        reverse("admin:directory_service_changelist"),
        {"action": "mark_checked_by_phone", "_selected_action": [str(stale.pk)]},
        follow=True,
    )
    assert "1 service marked as checked today." in response.content.decode()
    stale.refresh_from_db()
    assert stale.assured_date == timezone.localdate()
    assert stale.assured_by == moderator
    assert stale.assurer_email == "amina@navigator.example"
    assert (stale.assurance_role, stale.assurance_method) == ("moderator", "phone")
    assert LogEntry.objects.filter(object_id=str(stale.pk), user=moderator).exists()
    service.refresh_from_db()
    assert service.assured_date == date(2026, 10, 1), "an unselected service is untouched"


def test_verification_cannot_be_typed_into_the_form(moderator_client, service):
    url = reverse("admin:directory_service_change", args=[service.pk])
    html = moderator_client.get(url).content.decode()
    assert 'name="assured_date"' not in html
    assert 'name="assured_by"' not in html


def test_a_moderator_can_save_a_service_with_a_new_phone(moderator_client, service):
    url = reverse("admin:directory_service_change", args=[service.pk])
    response = moderator_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "organization": str(service.organization_id),
            "service_types": [str(t.pk) for t in service.service_types.all()],
            "needs": [str(t.pk) for t in service.needs.all()],
            "communities": [str(t.pk) for t in service.communities.all()],
            "access_routes": [str(t.pk) for t in service.access_routes.all()],
            "referral_partners": [],
            "service_area": "null",
            "minimum_age": "16",
            "maximum_age": "",
        }
    )
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for i, subform in enumerate(formset.forms):
            for name, field in subform.fields.items():
                value = subform.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, list | tuple):
                    data[f"{prefix}-{i}-{name}"] = [getattr(v, "pk", v) for v in value]
                elif value is not None:
                    data[f"{prefix}-{i}-{name}"] = value
    phones = "phones"
    total = int(data[f"{phones}-TOTAL_FORMS"])
    data[f"{phones}-{total}-number"] = "0121 496 0002"
    data[f"{phones}-{total}-type"] = "text"
    data[f"{phones}-{total}-service"] = str(service.pk)
    data[f"{phones}-TOTAL_FORMS"] = str(total + 1)
    response = moderator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(Service.objects.get(pk=service.pk).phones.values_list("number", flat=True)) == {
        "0121 496 0001",
        "0121 496 0002",
    }
