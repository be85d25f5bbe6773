"""The moderators' admin: find a listing fast, fix it, and record that a person checked it."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services, vocabulary
from .models import (
    Language,
    Location,
    Organization,
    Phone,
    Place,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    TaxonomyTerm,
)


class VerificationFilter(admin.SimpleListFilter):
    title = _("checked")
    parameter_name = "checked"

    def lookups(self, request, model_admin):
        return [
            ("recent", _("Checked in the last 12 months")),
            ("stale", _("Not checked for over 12 months")),
            ("never", _("Never checked")),
        ]

    def queryset(self, request, queryset):
        cutoff = timezone.localdate() - timedelta(days=settings.STALE_AFTER_DAYS)
        if self.value() == "recent":
            return queryset.filter(assured_date__gte=cutoff)
        if self.value() == "stale":
            return queryset.filter(assured_date__lt=cutoff)
        if self.value() == "never":
            return queryset.filter(assured_date__isnull=True)
        return queryset


class TermFilter(admin.SimpleListFilter):
    """Filter by one vocabulary, listing only its terms."""

    taxonomy = ""
    field = ""

    def lookups(self, request, model_admin):
        terms = TaxonomyTerm.objects.filter(taxonomy=self.taxonomy).order_by("name")
        return [(term.code, term.name) for term in terms]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.field}__code": self.value()}).distinct()
        return queryset


class ServiceTypeFilter(TermFilter):
    title = _("type")
    parameter_name = "type"
    taxonomy = vocabulary.SERVICE_TYPE
    field = "service_types"


class NeedFilter(TermFilter):
    title = _("need")
    parameter_name = "need"
    taxonomy = vocabulary.NEED
    field = "needs"


class TownFilter(admin.SimpleListFilter):
    title = _("town")
    parameter_name = "town"

    def lookups(self, request, model_admin):
        towns = Location.objects.order_by("town").values_list("town", flat=True).distinct()
        return [(town, town) for town in towns]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(service_at_locations__location__town=self.value()).distinct()
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        used = ServiceLanguage.objects.values_list("language", flat=True).distinct()
        return [(lang.code, lang.name) for lang in Language.objects.filter(code__in=used)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(languages__language=self.value()).distinct()
        return queryset


class HttpsByDefault:
    # A web address typed without a scheme is taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]
    verbose_name = _("location")
    verbose_name_plural = _("locations")


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fk_name = "service"
    extra = 0
    fields = ["weekday", "opens_at", "closes_at", "open_bank_holidays", "notes"]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    autocomplete_fields = ["languages"]


class ServiceLanguageInline(admin.TabularInline):
    model = ServiceLanguage
    extra = 0
    autocomplete_fields = ["language"]


@admin.register(Service)
class ServiceAdmin(HttpsByDefault, admin.ModelAdmin):
    list_display = ["name", "organization", "status", "types", "towns", "last_checked"]
    list_filter = [
        "status",
        ServiceTypeFilter,
        NeedFilter,
        TownFilter,
        LanguageFilter,
        VerificationFilter,
        "national",
        "organization__ethnic_minority_led",
    ]
    search_fields = [
        "name",
        "slug",
        "description",
        "organization__name",
        "service_at_locations__location__town",
        "service_at_locations__location__postcode",
        "phones__number",
    ]
    list_select_related = ["organization"]
    list_per_page = 50
    autocomplete_fields = ["organization", "referral_partners"]
    filter_horizontal = ["service_types", "needs", "communities", "access_routes"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceAtLocationInline, PhoneInline, ServiceLanguageInline, ScheduleInline]
    actions = ["mark_checked_by_phone", "mark_checked_by_visit", "mark_checked_by_email"]
    # Verification is recorded by the actions, with the moderator's name, never typed in.
    readonly_fields = [
        "id",
        "assured_date",
        "assured_by",
        "assurer_email",
        "assurance_role",
        "assurance_method",
        "created",
        "last_modified",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "organization", "status", "description", "url", "email"]},
        ),
        (
            _("What it offers"),
            {"fields": ["service_types", "needs", "communities", "access_routes"]},
        ),
        (
            _("Who can use it"),
            {
                "fields": [
                    "minimum_age",
                    "maximum_age",
                    "gender",
                    "eligibility_description",
                    "free",
                    "fees_description",
                ]
            },
        ),
        (
            _("Where it serves"),
            {"fields": ["national", "service_area_description", "service_area"]},
        ),
        (_("Onward referral"), {"fields": ["referral_partners"]}),
        (
            _("Checks and history"),
            {
                "fields": [
                    "assured_date",
                    "assured_by",
                    "assurer_email",
                    "assurance_role",
                    "assurance_method",
                    "created",
                    "last_modified",
                    "id",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("service_types", "service_at_locations__location")
        )

    @admin.display(description=_("types"))
    def types(self, service):
        return ", ".join(term.name for term in service.service_types.all())

    @admin.display(description=_("towns"))
    def towns(self, service):
        return ", ".join(sorted({sal.location.town for sal in service.service_at_locations.all()}))

    @admin.display(description=_("last checked"), ordering="assured_date")
    def last_checked(self, service):
        if service.assured_date is None:
            return _("Never")
        label = service.assured_date.strftime("%-d %b %Y")
        return f"{label} (stale)" if service.is_stale() else label

    def _mark_checked(self, request, queryset, method):
        count = 0
        for service in queryset:
            services.service_mark_checked(
                service=service,
                checked_by=request.user,
                role=Service.AssuranceRole.MODERATOR,
                method=method,
            )
            self.log_change(request, service, f"Marked as checked today ({method}).")
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d service marked as checked today.",
                "%(count)d services marked as checked today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as checked today, by phone"))
    def mark_checked_by_phone(self, request, queryset):
        self._mark_checked(request, queryset, Service.AssuranceMethod.PHONE)

    @admin.action(description=_("Mark as checked today, by visiting"))
    def mark_checked_by_visit(self, request, queryset):
        self._mark_checked(request, queryset, Service.AssuranceMethod.VISIT)

    @admin.action(description=_("Mark as checked today, by email"))
    def mark_checked_by_email(self, request, queryset):
        self._mark_checked(request, queryset, Service.AssuranceMethod.EMAIL)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["name", "status", "assured_date"]
    readonly_fields = ["name", "status", "assured_date"]
    show_change_link = True
    can_delete = False


@admin.register(Organization)
class OrganizationAdmin(HttpsByDefault, admin.ModelAdmin):
    list_display = ["name", "ethnic_minority_led", "user_led", "website"]
    list_filter = ["ethnic_minority_led", "user_led"]
    search_fields = ["name", "description", "charity_number", "company_number"]
    readonly_fields = ["id", "created", "last_modified"]
    inlines = [ServiceInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "town", "postcode", "nation", "confidential"]
    list_filter = ["nation", "confidential", "town"]
    search_fields = ["name", "address_1", "town", "postcode", "organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["id", "last_modified"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent", "mhsds_team_type"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]
    ordering = ["taxonomy", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are identifiers other systems hold; renaming one would break them.
        return ["id", "taxonomy", "code"] if obj else ["id"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "native_name", "code", "rtl"]
    search_fields = ["name", "native_name", "code"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "key", "nation", "latitude", "longitude"]
    list_filter = ["kind", "nation"]
    search_fields = ["name", "key"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    """HSDS attributes an import brought that our vocabulary has no place for, kept to export."""

    list_display = ["service", "link_entity", "taxonomy", "code", "name", "value"]
    list_filter = ["link_entity", "taxonomy"]
    search_fields = ["code", "name", "value", "service__name"]
    raw_id_fields = ["service"]
