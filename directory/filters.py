"""The search filters: one FilterSet for the search page and `GET /api/v1/services/`.

Both validate through the same form, so the page and the API can never disagree about what a
parameter means or which values it takes. Filters that the database can answer (codes, text,
flags, opening time, the bounding box around a place) narrow the queryset here; exact
distances, ordering and paging are done by `selectors.service_search`.
"""

import copy

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import geo, hours, search, vocabulary
from .models import Language, Schedule, Service, ServiceLanguage

DEFAULT_RADIUS_KM = 10
MAX_RADIUS_KM = 200
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
ORDERINGS = ("relevance", "distance", "name")
LANGUAGE_CODES_CACHE_KEY = "directory:language-codes"


def known_language_codes() -> dict[str, str]:
    """{code: English name} of every language, cached (shared through Redis when set)."""
    codes = cache.get(LANGUAGE_CODES_CACHE_KEY)
    if codes is None:
        codes = dict(Language.objects.values_list("code", "name"))
        cache.set(LANGUAGE_CODES_CACHE_KEY, codes, 300)
    return codes


class CommaSeparatedWidget(forms.TextInput):
    """Reads `a,b` and repeated `x=a&x=b` alike, so links and checkboxes both work."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            values = value if isinstance(value, list) else [value] if value is not None else []
        return ",".join(str(value) for value in values if value not in (None, ""))


class StrictBooleanField(forms.Field):
    """true/false, 1/0, yes/no, on/off; anything else is an error, not silently "no"."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CodeListField(forms.CharField):
    """A comma-separated list of codes, each checked against a fixed set."""

    widget = CommaSeparatedWidget

    def __init__(self, *, codes_provider, **kwargs):
        self.codes_provider = codes_provider
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return list(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))

    def validate(self, value):
        known = self.codes_provider()
        unknown = [code for code in value if code not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown code %(codes)s. Choose from: %(choices)s."),
                code="unknown_code",
                params={"codes": ", ".join(unknown), "choices": ", ".join(sorted(known))},
            )

    def run_validators(self, value):
        # The length limit applies to the raw text, not the parsed list.
        super().run_validators(",".join(value))


def _term_codes(taxonomy):
    codes = frozenset(term.code for term in vocabulary.VOCABULARY[taxonomy])
    return lambda: codes


class TermFilter(django_filters.Filter):
    """Services with any of the given terms of one vocabulary (OR within the filter)."""

    field_class = CodeListField

    def __init__(self, *, taxonomy, include_children=False, **kwargs):
        self.taxonomy = taxonomy
        self.include_children = include_children
        kwargs.setdefault("codes_provider", _term_codes(taxonomy))
        super().__init__(**kwargs)

    def filter(self, qs, codes):
        if not codes:
            return qs
        if self.include_children:
            codes = set(codes)
            for term in vocabulary.VOCABULARY[self.taxonomy]:
                if term.parent in codes:
                    codes.add(term.code)
        # Term ids are derived from their codes, so no lookup of the term table is needed.
        ids = [vocabulary.term_id(self.taxonomy, code) for code in sorted(codes)]
        through = getattr(Service, self.field_name).through
        # A correlated EXISTS costs one index probe per candidate service, so a local search
        # never gathers every service of a type in the country.
        return qs.filter(
            Exists(through.objects.filter(service_id=OuterRef("pk"), taxonomyterm_id__in=ids))
        )


class LanguageFilter(django_filters.Filter):
    """Services offering any of the languages through staff or an interpreter."""

    field_class = CodeListField

    def __init__(self, **kwargs):
        kwargs.setdefault("codes_provider", known_language_codes)
        super().__init__(**kwargs)

    def filter(self, qs, codes):
        if not codes:
            return qs
        return qs.filter(
            Exists(
                ServiceLanguage.objects.filter(
                    service_id=OuterRef("pk"),
                    language_id__in=codes,
                    provision__in=["staff", "interpreter"],
                )
            )
        )


class SearchForm(forms.Form):
    """Checks the parts of a search that depend on each other: where, and when."""

    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)

    def clean(self):
        cleaned = super().clean()
        self._clean_where(cleaned)
        self._clean_when(cleaned)
        ordering = cleaned.get("ordering")
        if (
            ordering == "distance"
            and cleaned.get("origin") is None
            and "postcode" not in self.errors
        ):
            self.add_error(
                "ordering",
                _("To sort by distance, give a postcode, a place or a latitude and longitude."),
            )
        return cleaned

    def _clean_where(self, cleaned):
        postcode, place = cleaned.get("postcode"), cleaned.get("place")
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        cleaned["origin"] = None
        given = [name for name, value in (("postcode", postcode), ("place", place)) if value]
        if lat is not None or lon is not None:
            given.append("lat")
        if len(given) > 1:
            self.add_error(
                given[1], _("Give one of a postcode, a place, or a latitude and longitude.")
            )
            return
        try:
            if postcode:
                cleaned["origin"] = geo.resolve_postcode(postcode)
            elif place:
                cleaned["origin"] = geo.resolve_place(place)
            elif lat is not None or lon is not None:
                if lat is None or lon is None:
                    missing = "lon" if lon is None else "lat"
                    self.add_error(missing, _("Give both a latitude and a longitude."))
                    return
                cleaned["origin"] = geo.resolve_coordinates(lat, lon)
        except geo.GeoError as error:
            field = "postcode" if postcode else "place" if place else "lat"
            self.add_error(field, error.message)

    def _clean_when(self, cleaned):
        open_at = cleaned.get("open_at")
        cleaned["moment"] = None
        if open_at:
            try:
                cleaned["moment"] = hours.parse_moment(open_at)
            except ValueError as error:
                self.add_error("open_at", str(error))


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=200,
        label=_("Search words"),
        help_text=_("Words in the name, description, type, need, community or language."),
    )
    postcode = django_filters.CharFilter(
        method="filter_nothing",
        max_length=40,
        label=_("Postcode"),
        help_text=_("For example, SE15 4QT or SE15."),
    )
    place = django_filters.CharFilter(
        method="filter_nothing",
        max_length=100,
        label=_("Town or place"),
        help_text=_("For example, Peckham."),
    )
    lat = django_filters.NumberFilter(
        method="filter_nothing", min_value=-90, max_value=90, label=_("Latitude")
    )
    lon = django_filters.NumberFilter(
        method="filter_nothing", min_value=-180, max_value=180, label=_("Longitude")
    )
    radius_km = django_filters.NumberFilter(
        method="filter_nothing",
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        label=_("Distance (km)"),
        help_text=_("How far to look, up to 200 km. The default is 10 km."),
    )
    service_type = TermFilter(
        taxonomy=vocabulary.SERVICE_TYPE, field_name="service_types", label=_("Type of service")
    )
    need = TermFilter(taxonomy=vocabulary.NEED, field_name="needs", label=_("Help with"))
    community = TermFilter(
        taxonomy=vocabulary.COMMUNITY,
        field_name="communities",
        include_children=True,
        label=_("Community"),
    )
    access = TermFilter(
        taxonomy=vocabulary.ACCESS_ROUTE, field_name="access_routes", label=_("How to get in")
    )
    language = LanguageFilter(label=_("Language"))
    free = StrictBooleanFilter(field_name="free", label=_("Free only"))
    national = StrictBooleanFilter(
        field_name="national", label=_("National phone and online services")
    )
    open_now = StrictBooleanFilter(method="filter_nothing", label=_("Open now"))
    open_at = django_filters.CharFilter(
        method="filter_nothing",
        max_length=40,
        label=_("Open at"),
        help_text=_("A date and time, for example 2026-12-01T23:30."),
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_nothing",
        choices=[("relevance", _("Best match")), ("distance", _("Nearest")), ("name", _("Name"))],
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Service
        fields = []
        form = SearchForm

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now

    # Filters whose meaning depends on others are applied together in filter_queryset.
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_text(self, queryset, name, value):
        if not value or not value.strip():
            return queryset
        return queryset.filter(id__in=search.matching_service_ids(value))

    def filter_queryset(self, queryset):
        cleaned = self.form.cleaned_data
        # The form also carries page, page_size and what clean() worked out (origin, moment),
        # which are not filters.
        for name, value in cleaned.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        moment = self.moment
        if moment is not None and (cleaned.get("open_now") or cleaned.get("moment")):
            # A service is open when one of its own spans runs, or one at any of its
            # locations; EXISTS keeps it one probe per candidate and never duplicates rows.
            spans_now = Schedule.objects.filter(hours.open_at_q(moment, prefix=""))
            queryset = queryset.filter(
                Exists(spans_now.filter(service_id=OuterRef("pk")))
                | Exists(spans_now.filter(service_at_location__service_id=OuterRef("pk")))
            )
        # Where (the bounding box, distances, service areas) is done by
        # selectors.service_search, which narrows by place before anything else.
        return queryset

    # Named so as not to hide the filters of the same name.
    @property
    def search_radius_km(self) -> float:
        radius = self.form.cleaned_data.get("radius_km")
        return float(radius) if radius is not None else DEFAULT_RADIUS_KM

    @property
    def moment(self):
        """When "open" is judged: `open_at` if given, else now."""
        cleaned = self.form.cleaned_data
        return cleaned.get("moment") or self.now or timezone.now()

    @property
    def search_ordering(self) -> str:
        return self.form.cleaned_data.get("ordering") or "relevance"


class _CopiedFilters(dict):
    """A FilterSet's class-level filters, copied one level deep for each FilterSet made.

    django-filter deep-copies every filter for every request, and with them their translated
    labels, help texts and choices: a tenth of a search's time. Each filter is copied (the
    FilterSet sets its own parent and model on its copy); what they hold is only read. The
    form fields made from them are still copied per form, by Django.
    """

    def __deepcopy__(self, memo):
        return {name: self._copy(filter_) for name, filter_ in self.items()}

    @staticmethod
    def _copy(filter_):
        copied = copy.copy(filter_)
        if filter_.method is not None:
            # A filter with a method keeps a helper bound to itself; bind one to the copy.
            copied.method = filter_.method
        return copied


ServiceFilterSet.base_filters = _CopiedFilters(ServiceFilterSet.base_filters)
