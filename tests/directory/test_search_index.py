"""The full-text index: ranked, prefix, multi-script matching, kept in step with edits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory import search
from directory.models import Language, Service, ServiceLanguage, TaxonomyTerm
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    ServiceLanguageFactory,
)

pytestmark = pytest.mark.django_db


def names_matching(text):
    return set(
        Service.objects.filter(id__in=search.matching_service_ids(text)).values_list(
            "name", flat=True
        )
    )


def ranked_names(text, among=None):
    among = Service.objects.all() if among is None else among
    by_id = dict(Service.objects.values_list("id", "name"))
    return [
        by_id[service_id] for service_id, _score in search.ranked_service_ids(text, among=among)
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Punjabi drop-in", ["punjabi", "drop", "in"]),
        ("  SOMALI,, women's  ", ["somali", "women", "s"]),
        ("বাংলা ভাষা", ["বাংলা", "ভাষা"]),  # vowel signs stay inside the word
        ("اردو", ["اردو"]),
        ("crisis crisis café", ["crisis", "cafe"]),  # repeats once, accent folded
        ("'; DROP TABLE x; --", ["drop", "table", "x"]),  # punctuation is never syntax
        ("", []),
        ("x" * 10_000, ["x" * 40]),
    ],
)
def test_tokens_split_on_spaces_and_punctuation_in_any_script(text, expected):
    assert search.tokens(text) == expected


def test_a_word_prefix_finds_a_service():
    ServiceFactory(name="Imaginary Punjabi Wellbeing Circle")
    ServiceFactory(name="Imaginary Polish Advice")
    assert names_matching("punj") == {"Imaginary Punjabi Wellbeing Circle"}


def test_every_word_must_match():
    ServiceFactory(name="Imaginary Somali Women's Group")
    ServiceFactory(name="Imaginary Somali Youth Club")
    assert names_matching("somali youth") == {"Imaginary Somali Youth Club"}


def test_text_with_no_words_matches_nothing():
    ServiceFactory(name="Imaginary Service")
    assert names_matching("!!! ...") == set()


def test_the_organisation_name_and_description_are_searched():
    org = OrganizationFactory(name="Harbour Lights Trust", description="Based by the canal")
    ServiceFactory(organization=org, name="Imaginary Tuesday Group")
    assert names_matching("harbour") == {"Imaginary Tuesday Group"}
    assert names_matching("canal") == {"Imaginary Tuesday Group"}


def test_vocabulary_labels_and_language_names_in_both_scripts_are_searched():
    service = ServiceFactory(name="Imaginary Listening Room", types=["peer_support"])
    ServiceLanguageFactory(service=service, language_id="bn")
    assert names_matching("peer support") == {"Imaginary Listening Room"}
    assert names_matching("bengali") == {"Imaginary Listening Room"}
    assert names_matching("বাংলা") == {"Imaginary Listening Room"}


def test_a_child_community_is_found_by_its_parent_name():
    ServiceFactory(name="Imaginary Lahore Circle", community_codes=["pakistani"])
    assert names_matching("south asian") == {"Imaginary Lahore Circle"}


def test_accents_and_case_are_ignored():
    ServiceFactory(name="Imaginary Night Café")
    assert names_matching("CAFE") == {"Imaginary Night Café"}


def test_a_name_match_ranks_above_a_description_match():
    ServiceFactory(name="Imaginary Drop-in", description="Talk about bereavement here.")
    ServiceFactory(name="Imaginary Bereavement Circle", description="A weekly group.")
    assert ranked_names("bereavement") == ["Imaginary Bereavement Circle", "Imaginary Drop-in"]


def test_ties_are_broken_by_name_so_the_order_is_stable():
    for name in ("Imaginary C Group", "Imaginary A Group", "Imaginary B Group"):
        ServiceFactory(name=name, description="")
    assert ranked_names("group") == ["Imaginary A Group", "Imaginary B Group", "Imaginary C Group"]


def test_ranking_pages_through_matches_within_a_queryset():
    for letter in "ABCDE":
        ServiceFactory(name=f"Imaginary {letter} Group", description="")
    ServiceFactory(name="Imaginary Z Group", description="", status="inactive")
    among = Service.objects.active()
    page = search.ranked_service_ids("group", among=among, limit=2, offset=2)
    by_id = dict(Service.objects.values_list("id", "name"))
    assert [by_id[i] for i, _ in page] == ["Imaginary C Group", "Imaginary D Group"]
    assert len(search.ranked_service_ids("group", among=among)) == 5


def test_renaming_a_service_updates_the_index():
    service = ServiceFactory(name="Imaginary Old Name")
    service.name = "Imaginary Fresh Name"
    service.save()
    assert names_matching("fresh") == {"Imaginary Fresh Name"}
    assert names_matching("old") == set()


def test_renaming_an_organisation_updates_its_services():
    service = ServiceFactory(organization=OrganizationFactory(name="Oldname Trust"))
    service.organization.name = "Newname Trust"
    service.organization.save()
    assert names_matching("newname") == {service.name}
    assert names_matching("oldname") == set()


def test_adding_and_removing_a_type_updates_the_index():
    service = ServiceFactory(name="Imaginary Changing Service")
    sanctuary = TaxonomyTerm.objects.get(taxonomy="service_type", code="sanctuary")
    service.service_types.add(sanctuary)
    assert names_matching("sanctuary") == {"Imaginary Changing Service"}
    service.service_types.remove(sanctuary)
    assert names_matching("sanctuary") == set()


def test_adding_services_to_a_term_from_its_side_updates_them():
    service = ServiceFactory(name="Imaginary Haven")
    sanctuary = TaxonomyTerm.objects.get(taxonomy="service_type", code="sanctuary")
    sanctuary.services_of_type.add(service)
    assert names_matching("sanctuary") == {"Imaginary Haven"}
    sanctuary.services_of_type.clear()
    assert names_matching("sanctuary") == set()


def test_a_language_added_or_removed_updates_the_index():
    service = ServiceFactory(name="Imaginary Advice Desk")
    language = ServiceLanguageFactory(service=service, language_id="so")
    assert names_matching("somali") == {"Imaginary Advice Desk"}
    language.delete()
    assert names_matching("somali") == set()


def test_a_location_moving_town_updates_the_index():
    location = LocationFactory(town="Wolverhampton")
    ServiceAtLocationFactory(service=ServiceFactory(name="Imaginary Hub"), location=location)
    location.town = "Dudley"
    location.save()
    assert names_matching("dudley") == {"Imaginary Hub"}
    assert names_matching("wolverhampton") == set()


def test_deleting_a_service_removes_it_from_the_index():
    service = ServiceFactory(name="Imaginary Doomed Service")
    ServiceLanguageFactory(service=service, language_id="pl")
    ServiceAtLocationFactory(service=service)
    service.delete()
    assert names_matching("doomed") == set()
    assert not ServiceLanguage.objects.exists()


def test_deferred_updates_happen_once_at_the_end_of_the_block(django_assert_max_num_queries):
    with search.deferred():
        services = [ServiceFactory(name=f"Imaginary Batch {n}") for n in range(20)]
        assert names_matching("batch") == set(), "nothing is indexed until the block ends"
    assert len(names_matching("batch")) == len(services)


def test_renaming_a_language_updates_the_services_that_use_it():
    service = ServiceFactory(name="Imaginary Corner")
    ServiceLanguageFactory(service=service, language_id="tw")
    twi = Language.objects.get(code="tw")
    twi.name = "Akan Twi"
    twi.save()
    assert names_matching("akan") == {"Imaginary Corner"}


def test_rebuilding_everything_gives_the_same_matches():
    ServiceFactory(name="Imaginary Rebuilt Service")
    assert search.rebuild_all() == 1
    assert names_matching("rebuilt") == {"Imaginary Rebuilt Service"}


def _fold_char_by_char(text):
    # The general rule, written out again: the ASCII shortcut must give the same answer.
    import unicodedata

    out = []
    for char in text.casefold():
        first = unicodedata.normalize("NFKD", char)[0]
        out.append(first if first.isascii() and first.isalpha() else char)
    return unicodedata.normalize("NFC", "".join(out))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_shortcut_folds_exactly_as_the_general_rule(text):
    assert search.fold(text) == _fold_char_by_char(text)


@given(st.text())
def test_the_folding_table_folds_any_text_exactly_as_the_general_rule(text):
    assert search.fold(text) == _fold_char_by_char(text)


def test_fold_takes_accents_off_latin_letters_only():
    assert search.fold("Café Română") == "cafe romana"
    assert search.fold("বাংলা") == "বাংলা"
