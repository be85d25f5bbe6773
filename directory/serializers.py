"""API representations of the directory. Confidential locations are masked here."""

from django.urls import reverse
from rest_framework import serializers

from .listings import location_json
from .models import Language, Location, Organization, Phone, Schedule, Service, ServiceLanguage


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name", "native_name", "rtl"]


class OrganizationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "website", "ethnic_minority_led", "user_led"]


class ServiceLanguageSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="language.code")
    name = serializers.CharField(source="language.name")
    native_name = serializers.CharField(source="language.native_name")
    how = serializers.CharField(source="provision")

    class Meta:
        model = ServiceLanguage
        fields = ["code", "name", "native_name", "how"]


class LocationSerializer(serializers.ModelSerializer):
    """A location as the public may see it.

    For a confidential location (a refuge, a safe house) only the town, the postcode district
    and a point rounded to about a kilometre leave the server: enough to say how far away it
    is, not enough to find the door.
    """

    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "address_1",
            "address_2",
            "town",
            "postcode",
            "nation",
            "latitude",
            "longitude",
            "accessibility",
            "confidential",
        ]

    def to_representation(self, location):
        if not location.confidential:
            return super().to_representation(location)
        return location_json(location)


class PhoneSerializer(serializers.ModelSerializer):
    languages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Phone
        fields = ["number", "extension", "type", "description", "languages"]


DAY_NAMES = dict(Schedule.Weekday.choices)


class ScheduleSerializer(serializers.ModelSerializer):
    day = serializers.SerializerMethodField()
    opens_at = serializers.TimeField(format="%H:%M")
    closes_at = serializers.TimeField(format="%H:%M")

    class Meta:
        model = Schedule
        fields = ["weekday", "day", "opens_at", "closes_at", "open_bank_holidays", "notes"]

    def get_day(self, schedule) -> str:
        return str(DAY_NAMES[schedule.weekday])


_LOCATION = LocationSerializer()


class TermCodesField(serializers.ListField):
    """A vocabulary many-to-many as a sorted list of codes (uses the prefetched terms)."""

    child = serializers.CharField()

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, manager):
        return sorted(term.code for term in manager.all())


class ServiceSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True)
    service_types = TermCodesField()
    needs = TermCodesField()
    communities = TermCodesField()
    access_routes = TermCodesField()
    languages = ServiceLanguageSerializer(many=True, read_only=True)
    locations = serializers.SerializerMethodField()
    phones = PhoneSerializer(many=True, read_only=True)
    schedules = ScheduleSerializer(many=True, read_only=True)
    referral_partners = serializers.SerializerMethodField()
    last_checked = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = [
            "id",
            "slug",
            "name",
            "organization",
            "description",
            "url",
            "email",
            "service_types",
            "needs",
            "communities",
            "access_routes",
            "languages",
            "minimum_age",
            "maximum_age",
            "gender",
            "eligibility_description",
            "free",
            "fees_description",
            "national",
            "service_area_description",
            "locations",
            "phones",
            "schedules",
            "referral_partners",
            "last_checked",
            "web_url",
        ]

    def get_locations(self, service) -> list[dict]:
        # One location serializer for every row: building one per service is measurably slow.
        return [
            _LOCATION.to_representation(sal.location) for sal in service.service_at_locations.all()
        ]

    def get_referral_partners(self, service) -> list[dict]:
        return [
            {"id": str(partner.id), "slug": partner.slug, "name": partner.name}
            for partner in service.referral_partners.all()
        ]

    def get_last_checked(self, service) -> dict | None:
        """When a person last checked the listing, never `last_modified`."""
        if service.assured_date is None:
            return None
        return {
            "date": service.assured_date.isoformat(),
            "role": service.assurance_role or None,
            "method": service.assurance_method or None,
            "stale": service.is_stale(),
        }

    def get_web_url(self, service) -> str:
        path = reverse("directory:service_detail", kwargs={"slug": service.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SearchResultSerializer(ServiceSerializer):
    """A service as a search result: the service, plus how near, whether open, which language."""

    distance_km = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    always_open = serializers.SerializerMethodField()
    closes_at = serializers.SerializerMethodField()
    next_opens_at = serializers.SerializerMethodField()
    language_match = serializers.SerializerMethodField()

    class Meta(ServiceSerializer.Meta):
        fields = [
            *ServiceSerializer.Meta.fields,
            "distance_km",
            "open_now",
            "always_open",
            "closes_at",
            "next_opens_at",
            "language_match",
        ]

    def to_representation(self, result):
        self._result = result
        return super().to_representation(result.service)

    def get_distance_km(self, service) -> float | None:
        return self._result.distance_km

    def get_open_now(self, service) -> bool:
        return self._result.open_state.open_now

    def get_always_open(self, service) -> bool:
        return self._result.open_state.always_open

    def get_closes_at(self, service) -> str | None:
        moment = self._result.open_state.closes_at
        return moment.isoformat() if moment else None

    def get_next_opens_at(self, service) -> str | None:
        moment = self._result.open_state.next_opens_at
        return moment.isoformat() if moment else None

    def get_language_match(self, service) -> list[dict]:
        return [
            {"code": match.code, "name": match.name, "how": match.how}
            for match in self._result.language_matches
        ]
