"""Six languages: the addresses, the switcher, right to left, translated words, and checks that
keep every word on a public page translatable.

The pages are tested with a small test catalogue ("[so] Search for support"), written here for
each language, so the tests do not depend on how far the translators have got and show that a
word is really looked up in the page's language. Django ships no Somali catalogue: without
one, /so/ addresses are unknown, so the real compiled catalogues are checked separately.
"""

import ast
import re
import shutil
import string
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.urls import reverse
from django.utils import translation

from directory import geo, hours, vocabulary
from directory.management.commands import makemessages
from directory.models import Service
from directory.templatetags.directory_tags import open_summary
from pathways.forms import PathwayForm

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = "en-gb"
PREFIXED = ("ur", "bn", "pa", "pl", "so")
NATIVE_NAMES = {
    "en-gb": "English",
    "ur": "اردو",
    "bn": "বাংলা",
    "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski",
    "so": "Soomaali",
}
REVIEW_NOTE = "This translation is waiting for review by members of the community."

# msgid -> msgstr; "{code}" becomes the language's code. A plural is "singular\0plural".
TEST_MESSAGES = {
    "Search for support": "[{code}] Search for support",
    "Crisis house": "[{code}] Crisis house",
    "Someone to talk to": "[{code}] Someone to talk to",
    "Indian": "[{code}] Indian",
    "%(km)s km": "[{code}] %(km)s km",
    "You can refer yourself": "[{code}] You can refer yourself",
    "Samaritans": "[{code}] Samaritans",
    "Community ways in": "[{code}] Community ways in",
    "Open all day": "[{code}] Open all day",
    "Wednesday": "[{code}] Wednesday",
    "Christmas Day": "[{code}] Christmas Day",
    "%(holiday)s (substitute day)": "[{code}] %(holiday)s (substitute day)",
    "We could not find a place called %(place)s. Try a postcode or a nearby town.": (
        "[{code}] No place called %(place)s."
    ),
    REVIEW_NOTE: "[{code}] " + REVIEW_NOTE,
    "%(counter)s service, A to Z.\0%(counter)s services, A to Z.": (
        "[{code}] one: %(counter)s\0[{code}] many: %(counter)s"
    ),
}


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU gettext .mo catalogue of `messages`, laid out as msgfmt writes one."""
    catalogue = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
        **messages,
    }
    keys = sorted(catalogue)
    ids = [key.encode() for key in keys]
    strs = [catalogue[key].encode() for key in keys]
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + 8 * len(keys)
    data_start = strs_table + 8 * len(keys)
    data, id_entries, str_entries = b"", [], []
    for entries, values in ((id_entries, ids), (str_entries, strs)):
        for value in values:
            entries.append(struct.pack("<II", len(value), data_start + len(data)))
            data += value + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + b"".join(id_entries) + b"".join(str_entries) + data)


@pytest.fixture(scope="module")
def test_catalogues(tmp_path_factory):
    root = tmp_path_factory.mktemp("locale")
    for code in PREFIXED:
        messages = {
            msgid: msgstr.replace("{code}", code) for msgid, msgstr in TEST_MESSAGES.items()
        }
        write_mo(root / code / "LC_MESSAGES" / "django.mo", messages)
    return root


@pytest.fixture(autouse=True)
def use_test_catalogues(settings, test_catalogues):
    settings.LOCALE_PATHS = [test_catalogues]


@pytest.fixture
def demo(demo_directory, db):
    return demo_directory


def english(name: str, **kwargs) -> str:
    """The English address of a page (a request leaves its language active in the thread)."""
    with translation.override(ENGLISH):
        return reverse(name, kwargs=kwargs or None)


def prefixed(language: str, path: str) -> str:
    """The English address `path` in `language`."""
    return path if language == ENGLISH else f"/{language}{path}"


class Links(HTMLParser):
    """The attributes of every <a> with a class, by class."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[dict[str, str | None]]] = {}
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attributes = dict(attrs)
            attributes["text"] = ""
            self.found.setdefault(attributes.get("class") or "", []).append(attributes)
            self._open = attributes

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] = (self._open["text"] or "") + data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def language_links(html: str) -> list[dict[str, str | None]]:
    parser = Links()
    parser.feed(html)
    return parser.found.get("languages__link", [])


# --- Settings ------------------------------------------------------------------------------


def test_the_site_has_six_languages_each_named_in_its_own_script():
    assert [code for code, _name in settings.LANGUAGES] == [ENGLISH, *PREFIXED]
    for code, name in NATIVE_NAMES.items():
        assert translation.get_language_info(code)["name_local"] == name
    somali = translation.get_language_info("so")
    assert somali["name"] == "Somali" and somali["bidi"] is False
    assert translation.get_language_info("ur")["bidi"] is True
    with translation.override("ur"):
        assert translation.get_language_bidi() is True
    with translation.override("so"):
        assert translation.get_language_bidi() is False


def test_makemessages_also_extracts_the_short_name_for_gettext_noop():
    assert get_commands()["makemessages"] == "directory"
    assert "--keyword=N_" in makemessages.Command.xgettext_options


# --- Addresses -----------------------------------------------------------------------------


def public_pages(service_slug: str) -> list[str]:
    return [
        english("directory:home"),
        english("directory:about"),
        english("directory:search"),
        english("directory:search") + "?q=tea&place=Wolverhampton",
        english("directory:service_list"),
        english("directory:service_list") + "?kind=crisis",
        english("directory:service_detail", slug=service_slug),
        english("directory:shortlist"),
        english("pathways:form"),
        english("pathways:form") + "?mode=professional",
    ]


@pytest.mark.parametrize("language", [ENGLISH, *PREFIXED])
def test_every_public_page_answers_in_every_language(client, demo, language):
    slug = Service.objects.active().order_by("slug").first().slug
    for path in public_pages(slug):
        response = client.get(prefixed(language, path))
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, path
        assert 'href="tel:999"' in html, path
    plan = client.post(prefixed(language, english("pathways:plan")), {"where": "WV1"})
    assert plan.status_code == 200
    assert f'<html lang="{language}"' in plan.content.decode()


@pytest.mark.parametrize("language", PREFIXED)
def test_links_on_a_page_stay_in_its_language(client, demo, language):
    html = client.get(f"/{language}/").content.decode()
    for name in ("pathways:form", "directory:search", "directory:shortlist", "directory:about"):
        assert f'href="/{language}{english(name)}"' in html
    search = client.get(f"/{language}/search/", {"q": "tea"}).content.decode()
    assert f'action="/{language}/search/"' in search
    assert f'action="/{language}/my-list/add/"' in search
    assert f'href="/{language}/services/' in search


def test_english_at_the_root_stays_english_whatever_the_browser_says(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    response = client.get(english("directory:home"), HTTP_ACCEPT_LANGUAGE="ur,bn;q=0.8")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en-gb" dir="ltr">' in html
    assert response["Content-Language"] == "en-gb"
    assert "translation-note" not in html


def test_no_language_prefix_redirects(client, db):
    response = client.get("/search/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert "Location" not in response


@pytest.mark.parametrize("language", [ENGLISH, *PREFIXED])
def test_urdu_reads_right_to_left_and_the_others_left_to_right(client, db, language):
    html = client.get(prefixed(language, english("directory:about"))).content.decode()
    direction = "rtl" if language == "ur" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html


@pytest.mark.parametrize(
    "path",
    [
        "/ur/api/v1/services/",
        "/ur/api/v1/languages/",
        "/pl/api/schema/",
        "/bn/api/docs/",
        "/so/openreferral/",
        "/pa/admin/",
    ],
)
def test_the_apis_and_the_admin_have_no_language_prefix(client, db, path):
    assert client.get(path).status_code == 404


def test_the_api_answers_in_english_at_its_one_address(client, db):
    response = client.get("/api/v1/languages/", HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ur").status_code == 200


def test_an_unknown_address_is_a_page_in_that_language(client, db):
    response = client.get("/ur/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert 'href="tel:999"' in html
    # The switcher cannot find the same page again, so it offers each home page.
    hrefs = [link["href"] for link in language_links(html)]
    assert hrefs == ["/", "/ur/", "/bn/", "/pa/", "/pl/", "/so/"]


# --- The switcher --------------------------------------------------------------------------


def test_the_switcher_links_every_language_to_the_same_page(client, db):
    html = client.get("/ur/search/", {"q": "tea", "language": "pa"}).content.decode()
    links = language_links(html)
    assert [link["lang"] for link in links] == [ENGLISH, *PREFIXED]
    for link in links:
        code = link["lang"]
        assert link["hreflang"] == code
        assert link["text"] == NATIVE_NAMES[code]
        assert link["href"] == prefixed(code, "/search/") + "?q=tea&language=pa"
        assert link["dir"] == ("rtl" if code == "ur" else "ltr")
        assert ("aria-current" in link) == (code == "ur")
    assert 'hreflang="pl" href="http://testserver/pl/search/?q=tea&amp;language=pa"' in html


def test_the_switcher_sets_no_cookie_and_needs_no_script(client, db):
    response = client.get("/pl/about/")
    assert not response.cookies
    html = response.content.decode()
    switcher = html[html.index('class="languages"') : html.index("</nav>")]
    assert "<form" not in switcher and "<script" not in switcher and "onclick" not in switcher


def test_the_switcher_on_a_service_page_keeps_the_service(client, demo):
    slug = Service.objects.active().order_by("slug").first().slug
    html = client.get(f"/bn/services/{slug}/").content.decode()
    hrefs = {link["lang"]: link["href"] for link in language_links(html)}
    assert hrefs[ENGLISH] == f"/services/{slug}/"
    assert hrefs["so"] == f"/so/services/{slug}/"


def test_the_pages_name_each_other_for_search_engines(client, db):
    html = client.get("/bn/about/").content.decode()
    for code in (ENGLISH, *PREFIXED):
        expected = "http://testserver" + prefixed(code, "/about/")
        assert f'<link rel="alternate" hreflang="{code}" href="{expected}">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/about/">' in html


def test_my_list_keeps_the_language_it_was_used_in(client, demo):
    slug = Service.objects.active().order_by("slug").first().slug
    added = client.post("/ur/my-list/add/", {"slug": slug})
    assert added.status_code == 302 and added["Location"] == "/ur/my-list/"
    # The list is the same list in every language: one cookie for the whole site.
    assert added.cookies["navigator_list"]["path"] == "/"
    assert slug in client.get("/pl/my-list/").content.decode()
    removed = client.post("/pl/my-list/remove/", {"slug": slug, "next": "/pl/my-list/"})
    assert removed["Location"] == "/pl/my-list/"


# --- The plan: share links and the switcher after a POST -----------------------------------


def test_a_share_link_and_its_qr_code_keep_the_language(client, demo):
    response = client.post("/ur/pathway/plan/", {"where": "WV1", "share": "1"})
    assert response.status_code == 200
    share_url = response.context["share_url"]
    assert share_url.startswith("http://testserver/ur/pathway/plan/?where=WV1")
    html = response.content.decode()
    assert "<svg" in html
    opened = client.get(share_url.removeprefix("http://testserver"))
    assert opened.status_code == 200
    assert '<html lang="ur" dir="rtl">' in opened.content.decode()


def test_after_a_plan_is_posted_the_switcher_goes_to_the_form(client, demo):
    html = client.post(
        "/pl/pathway/plan/", {"where": "WV1", "needs": ["domestic_abuse"], "mode": "professional"}
    ).content.decode()
    hrefs = {link["lang"]: link["href"] for link in language_links(html)}
    assert hrefs[ENGLISH] == "/pathway/?mode=professional"
    assert hrefs["so"] == "/so/pathway/?mode=professional"
    assert "domestic_abuse" not in "".join(hrefs.values())


def test_after_a_share_link_is_made_the_switcher_keeps_the_plan(client, demo):
    html = client.post("/pl/pathway/plan/", {"where": "WV1", "share": "1"}).content.decode()
    hrefs = {link["lang"]: link["href"] for link in language_links(html)}
    assert hrefs["ur"].startswith("/ur/pathway/plan/?where=WV1")


# --- Marking translated pages --------------------------------------------------------------


@pytest.mark.parametrize("language", [ENGLISH, *PREFIXED])
def test_the_review_note_is_on_every_translated_page_only(client, db, language):
    html = client.get(prefixed(language, english("directory:home"))).content.decode()
    if language == ENGLISH:
        assert "translation-note" not in html and "languages__note" not in html
    else:
        footer = html[html.index('<footer class="site-footer">') :]
        assert 'class="translation-note"' in footer
        assert f"[{language}] {REVIEW_NOTE}" in footer
        assert 'class="languages__note"' in html


# --- Words in the page's language ----------------------------------------------------------


def test_template_words_are_translated(client, db):
    html = client.get("/so/search/").content.decode()
    assert "[so] Search for support" in html
    assert "[so] 10 km" in html


def test_vocabulary_labels_are_translated_when_shown(client, demo):
    html = client.get("/so/search/").content.decode()
    assert 'for="type-crisis_house">[so] Crisis house</label>' in html
    crisis_house = Service.objects.active().filter(service_types__code="crisis_house").first()
    page = client.get(f"/so/services/{crisis_house.slug}/").content.decode()
    assert '<li class="badge">[so] Crisis house</li>' in page
    english = client.get(f"/services/{crisis_house.slug}/").content.decode()
    assert '<li class="badge">Crisis house</li>' in english


def test_counts_are_pluralised(client, demo):
    html = client.get("/pl/services/").content.decode()
    assert f"[pl] many: {Service.objects.active().count()}" in html


def test_the_pathway_form_choices_follow_the_page_language(db):
    with translation.override("so"):
        html = str(PathwayForm())
    assert "[so] Someone to talk to" in html and "[so] Indian" in html and "[so] 15 km" in html
    with translation.override(ENGLISH):
        html = str(PathwayForm())
    assert "Someone to talk to" in html and "[so]" not in html


def test_a_plan_is_worded_in_the_page_language(client, demo):
    answers = {"where": "WV1", "first_language": "pa"}
    html = client.post("/so/pathway/plan/", answers).content.decode()
    assert "[so] Samaritans" in html
    assert "[so] Community ways in" in html
    assert "[so] You can refer yourself" in html
    # Language names are never translated: each in its own script on a translated page.
    assert "ਪੰਜਾਬੀ" in html
    english = client.post("/pathway/plan/", answers).content.decode()
    assert "[so]" not in english and "Staff speak Punjabi" in english


def test_opening_hours_are_worded_in_the_page_language(time_machine):
    from datetime import datetime, time

    from directory.hours import LONDON, OpenState

    with translation.override("so"):
        assert hours.describe_span(time(0), time(23, 59)) == "[so] Open all day"
        assert hours.describe_bank_holiday("Christmas Day (substitute day)") == (
            "[so] [so] Christmas Day (substitute day)"
        )
        monday = datetime(2026, 11, 30, 10, tzinfo=LONDON)
        wednesday = datetime(2026, 12, 2, 18, tzinfo=LONDON)
        state = OpenState(
            open_now=False, closes_at=None, next_opens_at=wednesday, always_open=False
        )
        assert "[so] Wednesday" in open_summary(state, monday)


def test_place_messages_are_in_the_page_language(db):
    with translation.override("so"), pytest.raises(geo.UnknownPlace) as error:
        geo.resolve_place("Nowhere Whatsoever")
    assert error.value.message == "[so] No place called Nowhere Whatsoever."


def test_language_names_are_never_translated():
    assert vocabulary.language_name("pa") == "Punjabi"
    with translation.override("ur"):
        assert vocabulary.language_name("pa") == "ਪੰਜਾਬੀ"
        assert vocabulary.language_name("so") == "Soomaali"
        assert vocabulary.language_label("ur") == "Urdu / اردو"
    assert vocabulary.language_name("xx", "Unlisted") == "Unlisted"


# --- Every label marked, every word translatable -------------------------------------------


def _marked_labels(path: Path) -> tuple[set[str], list[str]]:
    """The labels of `Term(...)` calls in `path` marked with N_, and any that are not."""
    marked, unmarked = set(), []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Term"):
            continue
        label = node.args[1] if len(node.args) > 1 else None
        if (
            isinstance(label, ast.Call)
            and getattr(label.func, "id", None) in ("N_", "gettext_noop")
            and isinstance(label.args[0], ast.Constant)
        ):
            marked.add(label.args[0].value)
        else:
            unmarked.append(ast.unparse(node)[:80])
    return marked, unmarked


def test_every_vocabulary_label_is_marked_for_translation():
    marked, unmarked = _marked_labels(ROOT / "directory" / "vocabulary.py")
    assert unmarked == []
    labels = {term.name for terms in vocabulary.VOCABULARY.values() for term in terms}
    assert marked == labels


XGETTEXT = shutil.which("xgettext")


@pytest.mark.skipif(XGETTEXT is None, reason="GNU gettext (xgettext) is not installed")
def test_the_catalogues_extraction_sees_every_marked_word():
    # The keywords makemessages gives xgettext for Python, plus ours.
    keywords = [
        "--keyword=gettext_noop",
        "--keyword=gettext_lazy",
        "--keyword=ngettext_lazy:1,2",
        "--keyword=pgettext:1c,2",
        "--keyword=npgettext:1c,2,3",
        "--keyword=pgettext_lazy:1c,2",
        "--keyword=npgettext_lazy:1c,2,3",
    ]
    files = [
        ROOT / "directory" / "vocabulary.py",
        ROOT / "directory" / "hours.py",
        ROOT / "pathways" / "engine.py",
        ROOT / "pathways" / "imha.py",
    ]
    result = subprocess.run(
        [
            XGETTEXT,
            "--language=Python",
            "--output=-",
            *keywords,
            *makemessages.Command.xgettext_options,
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    extracted = set(re.findall(r'^msgid "(.+)"$', result.stdout, re.MULTILINE))
    labels = {term.name for terms in vocabulary.VOCABULARY.values() for term in terms}
    assert labels - extracted == set()
    assert {"Community ways in", "Samaritans", "Christmas Day"} <= extracted


CATALOGUES = [ROOT / "locale" / code / "LC_MESSAGES" for code in PREFIXED]


@pytest.mark.skipif(
    not any((folder / "django.mo").exists() for folder in CATALOGUES),
    reason="locale/*/LC_MESSAGES/django.mo not compiled yet (make messages)",
)
def test_every_language_has_its_compiled_catalogue():
    # Without locale/so/…/django.mo Django knows no Somali and /so/ addresses are 404s.
    missing = [str(folder) for folder in CATALOGUES if not (folder / "django.mo").exists()]
    assert missing == []


# The words a template may show without translation: the site's name.
ALLOWED_WORDS = {"Navigator"}
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder", "label"}
TEMPLATE_NOISE = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL),
    re.compile(r"{#.*?#}", re.DOTALL),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.DOTALL),
    re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE),
    re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE),
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"{%.*?%}", re.DOTALL),
    re.compile(r"{{.*?}}", re.DOTALL),
]
LETTER = re.compile(r"[^\W\d_]")
PUNCTUATION = string.punctuation + "–—…“”‘’·"


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            visible = name in VISIBLE_ATTRIBUTES
            visible |= name == "value" and attributes.get("type") in ("submit", "button", "reset")
            visible |= name == "content" and attributes.get("name") == "description"
            if visible and value:
                self.texts.append(value)

    def handle_data(self, data):
        self.texts.append(data)


def untranslated_text(template: str) -> list[str]:
    """Words a template shows that no {% translate %} or {% blocktranslate %} covers."""
    for pattern in TEMPLATE_NOISE:
        template = pattern.sub(" ", template)
    parser = VisibleText()
    parser.feed(template)
    parser.close()
    found = []
    for text in parser.texts:
        words = [word for word in text.split() if word.strip(PUNCTUATION) not in ALLOWED_WORDS]
        if any(LETTER.search(word) for word in words):
            found.append(" ".join(text.split()))
    return found


def test_the_template_check_finds_words_outside_translation():
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<img alt="A map"><button aria-label="Close"></button>') == [
        "A map",
        "Close",
    ]
    assert untranslated_text('<input type="submit" value="Go"><input type="hidden" value="x">') == [
        "Go"
    ]
    assert untranslated_text("<p>{% translate 'Hello' %} – Navigator, 116 123</p>") == []
    assert untranslated_text("{% blocktranslate %}Hi {{ you }}{% endblocktranslate %}") == []
    assert untranslated_text("<script>alert('hi')</script>{# note #}") == []


@pytest.mark.parametrize(
    "template",
    sorted((ROOT / "templates").rglob("*.html")),
    ids=lambda path: str(path.relative_to(ROOT / "templates")),
)
def test_every_word_in_every_template_is_translatable(template):
    assert untranslated_text(template.read_text()) == []


# --- Right to left: no physical sides in the stylesheets ------------------------------------

PHYSICAL = [
    re.compile(
        r"(?<![\w-])(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)\b"
    ),
    re.compile(r"(?<![\w-])(?:left|right)\s*:"),
    re.compile(r"(?<![\w-])(?:float|clear|text-align)\s*:\s*(?:left|right)\b"),
    re.compile(r"border-(?:top|bottom)-(?:left|right)-radius"),
]
FOUR_SIDES = re.compile(r"(?<![\w-])(margin|padding|inset|border-width)\s*:\s*([^;}]+)")


def physical_sides(css: str) -> list[str]:
    """Declarations that name left or right, which would not mirror for Urdu."""
    css = re.sub(r"/\*.*?\*/", " ", css, flags=re.DOTALL)
    found = [match.group(0) for pattern in PHYSICAL for match in pattern.finditer(css)]
    for match in FOUR_SIDES.finditer(css):
        values = match.group(2).replace("!important", "").split()
        if len(values) == 4 and values[1] != values[3]:
            found.append(match.group(0).strip())
    return found


def test_the_side_check_finds_physical_properties():
    css = ".a { margin-left: 1px; left: 0; float: right; padding: 0 1px 0 2px; }"
    assert len(physical_sides(css)) == 4
    assert physical_sides(".a { margin: 0 1rem; padding-inline-start: 1px; } /* left: */") == []


@pytest.mark.parametrize("stylesheet", sorted((ROOT / "static" / "css").glob("*.css")), ids=str)
def test_stylesheets_use_logical_sides_so_urdu_mirrors(stylesheet):
    assert physical_sides(stylesheet.read_text()) == []
