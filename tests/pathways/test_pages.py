"""The pathway form and plan page: POST so answers stay out of addresses, a share link only
on request, a shortlist kept in the browser."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_form_asks_where_and_plain_questions(client):
    html = client.get(reverse("pathways:form")).content.decode()
    assert '<form method="post" action="/pathway/plan/"' in html
    assert "Where are you?" in html and "How soon do you need support?" in html
    assert "these services are fictional" in html and 'href="tel:999"' in html


def test_the_professional_mode_is_a_link_away(client):
    html = client.get(reverse("pathways:form"), {"mode": "professional"}).content.decode()
    assert "Signpost a patient" in html
    assert 'name="mode" value="professional"' in html


def test_a_plan_page_leads_with_the_crisis_lines_and_gives_reasons(client, demo):
    response = client.post(
        reverse("pathways:plan"),
        {
            "where": "WV1",
            "first_language": "pa",
            "needs": ["talking_therapy"],
            "urgency": "crisis_now",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert html.index('href="tel:999"') < html.index("Ways in to support")
    assert "Get help now" in html
    assert "Staff speak Punjabi" in html
    assert "Start at Langar and Listen drop-in" in html
    assert "Add to my list" in html


def test_each_card_of_a_plan_says_how_far_once(client, demo):
    html = client.post(reverse("pathways:plan"), {"where": "WV1"}).content.decode()
    cards = html.split('<li class="card">')[1:]
    near = [card for card in cards if " km away" in card]
    assert near, "the demo has services near WV1"
    for card in near:
        card = card.split("</form>")[0]  # the card ends with its "Add to my list" button
        assert card.count(" km") == 1, card


def test_the_answers_are_not_put_in_an_address_until_the_person_asks_to_share(client, demo):
    html = client.post(
        reverse("pathways:plan"), {"where": "WV1", "needs": ["domestic_abuse"]}
    ).content.decode()
    assert "needs=domestic_abuse" not in html
    assert "Make a link and QR code to share" in html
    shared = client.post(
        reverse("pathways:plan"), {"where": "WV1", "needs": ["domestic_abuse"], "share": "1"}
    ).content.decode()
    assert "/pathway/plan/?where=WV1&amp;needs=domestic_abuse" in shared
    assert "<svg" in shared and "QR code for the link to this plan" in shared


def test_a_shared_link_opens_the_same_plan(client, demo):
    posted = client.post(
        reverse("pathways:plan"), {"where": "WV1", "needs": ["talking_therapy"]}
    ).content.decode()
    opened = client.get(
        reverse("pathways:plan"), {"where": "WV1", "needs": "talking_therapy"}
    ).content.decode()
    section = posted.split('aria-labelledby="section-talking_therapy"')[1].split("</section>")[0]
    assert section in opened


def test_a_bad_answer_is_shown_on_the_form_not_as_an_error_page(client, demo):
    response = client.post(reverse("pathways:plan"), {"where": "ZZ99 9ZZ"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "ZZ99 9ZZ" in html
    assert 'name="where"' in html


def test_where_is_the_only_answer_needed(client, demo):
    response = client.post(reverse("pathways:plan"), {"where": ""})
    assert response.status_code == 400
    assert "Enter a postcode or a town, or use your location" in response.content.decode()


def test_no_cookie_is_set_by_asking_for_a_plan(client, demo):
    response = client.post(reverse("pathways:plan"), {"where": "WV1"})
    assert response.cookies == {} or all(not morsel.value for morsel in response.cookies.values())


def test_adding_to_my_list_keeps_it_in_a_browser_cookie_and_the_list_prints_contacts(client, demo):
    response = client.post(
        reverse("directory:shortlist_add"),
        {"slug": "dil-se-punjabi-urdu-counselling", "next": "/my-list/"},
    )
    assert response.status_code == 302
    morsel = response.cookies["navigator_list"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and not morsel["max-age"]
    html = client.get(reverse("directory:shortlist")).content.decode()
    assert "Punjabi and Urdu counselling" in html
    assert 'href="tel:' in html
    client.post(reverse("directory:shortlist_remove"), {"next": "/my-list/"})
    assert "Your list is empty" in client.get(reverse("directory:shortlist")).content.decode()


def test_a_tampered_list_cookie_is_ignored(client, demo):
    client.cookies["navigator_list"] = "dil-se-punjabi-urdu-counselling"
    assert "Your list is empty" in client.get(reverse("directory:shortlist")).content.decode()


def test_adding_to_my_list_never_redirects_to_another_site(client, demo):
    response = client.post(
        reverse("directory:shortlist_add"), {"slug": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/my-list/"
