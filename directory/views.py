"""Web pages of the directory. Thin: each renders what a selector returned."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hours, selectors, structured_data, vocabulary
from .filters import DEFAULT_PAGE_SIZE, ServiceFilterSet, known_language_codes
from .models import Service


def home(request):
    return render(request, "directory/home.html")


def service_list(request):
    """A plain A–Z list of every active service, or of the crisis alternatives."""
    crisis_only = request.GET.get("kind") == "crisis"
    paginator = Paginator(selectors.service_list(crisis_only=crisis_only), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "directory/service_list.html", {"page": page, "crisis_only": crisis_only}
    )


def service_detail(request, slug):
    try:
        service = selectors.service_detail(slug=slug)
    except Service.DoesNotExist:
        raise Http404("No active service has this address.") from None
    now = timezone.now()
    spans = selectors.service_spans(service)
    nation = selectors.service_nation(service)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "locations": selectors.service_locations(service),
            "open_state": hours.open_state(spans, now, nation) if spans else None,
            "week": hours.week_ahead(spans, timezone.localdate(now), nation) if spans else [],
            "now": now,
            "json_ld": structured_data.service_json_ld(service, request),
        },
    )


def search(request):
    """The search page: a GET form, so every search is a link that can be shared."""
    filterset = ServiceFilterSet(request.GET, queryset=Service.objects.active(), now=timezone.now())
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "choices": _search_choices(),
        "selected": _selected(request.GET),
        "page": None,
        "national_lines": [],
    }
    if filterset.is_valid():
        page_number = filterset.form.cleaned_data.get("page") or 1
        try:
            page = selectors.service_search(
                filterset, page=page_number, page_size=DEFAULT_PAGE_SIZE
            )
        except selectors.PageOutOfRange as error:
            page = selectors.service_search(
                filterset, page=error.last_page, page_size=DEFAULT_PAGE_SIZE
            )
        context["page"] = page
        if not page.results:
            context["national_lines"] = list(selectors.service_list().filter(national=True)[:8])
        context["query_without_page"] = _query_without_page(request.GET)
    return render(request, "directory/search.html", context)


def _search_choices():
    """The options of the filter panel, from the vocabulary (no database query)."""
    entry = set(vocabulary.ENTRY_POINT_TYPES)
    crisis = set(vocabulary.CRISIS_ALTERNATIVE_TYPES)
    types = vocabulary.SERVICE_TYPES
    # Named in English and in their own script ("Urdu / اردو"), never translated.
    languages = [
        (code, vocabulary.language_label(code, name))
        for code, name in sorted(known_language_codes().items(), key=lambda item: item[1])
    ]
    return {
        "type_groups": [
            (_("Places to go in a crisis"), [t for t in types if t.code in crisis]),
            (_("Ways in through the community"), [t for t in types if t.code in entry]),
            (_("Support"), [t for t in types if t.code not in entry | crisis]),
        ],
        "needs": vocabulary.NEEDS,
        "communities": vocabulary.COMMUNITIES,
        "access_routes": vocabulary.ACCESS_ROUTES,
        "languages": languages,
        "radii": [1, 3, 5, 10, 25, 50, 100, 200],
    }


def _selected(query):
    """Every code chosen, whether sent as a,b or as repeated parameters."""
    chosen = {}
    for name in ("service_type", "need", "community", "access", "language"):
        chosen[name] = {
            code.strip() for value in query.getlist(name) for code in value.split(",") if code
        }
    return chosen


def _query_without_page(query):
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def about(request):
    return render(request, "directory/about.html")
