"""Small presentational helpers for directory templates."""

from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext as _

from directory import hours, vocabulary

register = template.Library()


def _clock(moment) -> str:
    """GOV.UK style: 9am, 5:30pm, midday, midnight."""
    local = moment.astimezone(hours.LONDON)
    return hours.describe_time(local.time())


@register.filter
def open_summary(state, moment=None):
    """ "Open now until 10pm", "Closed – opens Wednesday at 9am", "Open day and night"."""
    if state is None:
        return ""
    if state.always_open:
        return _("Open day and night")
    if state.open_now:
        if state.closes_at is None:
            return _("Open now")
        return _("Open now until %(time)s") % {"time": _clock(state.closes_at)}
    if state.next_opens_at is None:
        return _("Closed. Check opening times with the service")
    now = (moment or timezone.now()).astimezone(hours.LONDON)
    opens = state.next_opens_at.astimezone(hours.LONDON)
    if opens.date() == now.date():
        day = _("today")
    elif (opens.date() - now.date()).days == 1:
        day = _("tomorrow")
    else:
        day = str(WEEKDAYS[opens.weekday()])
    return _("Closed. Opens %(day)s at %(time)s") % {"day": day, "time": _clock(opens)}


@register.filter
def km(distance):
    if distance is None:
        return ""
    if distance < 1:
        return _("less than 1 km away")
    return _("%(km)s km away") % {"km": formats.number_format(distance, 1)}


@register.filter
def span_text(schedule):
    return hours.describe_span(schedule.opens_at, schedule.closes_at)


@register.simple_tag
def describe_hours(opens_at, closes_at):
    return hours.describe_span(opens_at, closes_at)


@register.simple_tag
def bank_holiday(name):
    return hours.describe_bank_holiday(name)


# --- Languages ---------------------------------------------------------------------------------


@register.filter
def term_label(term):
    """A vocabulary term (or its English label) in the page's language."""
    return vocabulary.term_label(term)


@register.filter
def language_name(language):
    """A language (a `Language`, or a code) named for running text: see vocabulary."""
    code = getattr(language, "code", language)
    return vocabulary.language_name(code, getattr(language, "name", ""))


@register.filter
def language_names(languages):
    """Several languages named for running text, joined with commas."""
    return ", ".join(language_name(language) for language in languages)


@register.filter
def language_label(language):
    """A language (a `Language`, or a code) for a picker or a list: "Urdu / اردو"."""
    code = getattr(language, "code", language)
    return vocabulary.language_label(code, getattr(language, "name", ""))


def _same_page_in(code, match, query):
    """The address of the page `match` (resolved, or None) in the language `code`, with the
    same query. A page that cannot be found again by its address (a 404) gives that
    language's home page.
    """
    with override(code):
        if match is None or not match.url_name:
            return reverse("directory:home")
        try:
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return reverse("directory:home")
    return urlunsplit(("", "", path, query, ""))


@register.simple_tag(takes_context=True)
def language_links(context):
    """This page in every language of the site, for the switcher and for hreflang links.

    Each link is a plain address (no cookie, no script), the same page with the same query, so
    a search stays the same search. A page can name the page to switch to in
    `language_switch_path` (the plan, shown after a POST, switches to the form, since its
    answers are never put in an address unless the person asks for a share link).
    """
    request = context.get("request")
    current = get_language() or settings.LANGUAGE_CODE
    target = context.get("language_switch_path")
    if target is None:
        target = request.get_full_path() if request is not None else reverse("directory:home")
    parts = urlsplit(target)
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        match = None
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = _same_page_in(code, match, parts.query)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "bidi": info["bidi"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request is not None else url,
                "current": code == current,
            }
        )
    return links
