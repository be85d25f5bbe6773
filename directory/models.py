"""The directory's data model.

Names follow HSDS 3.0 / Open Referral UK where HSDS has the field (so `directory/hsds.py`
maps one-to-one), and UK words where HSDS has none (`town`, `postcode`). Everything HSDS
exchanges has a UUID primary key, which is its HSDS `id`.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import vocabulary


class TaxonomyTerm(models.Model):
    """A term of one of our vocabularies (service types, needs, communities, access routes)."""

    TAXONOMY_CHOICES = list(vocabulary.TAXONOMIES.items())

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.CharField(max_length=32, choices=TAXONOMY_CHOICES)
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    mhsds_team_type = models.CharField(
        "MHSDS team type",
        max_length=8,
        blank=True,
        help_text="NHS Mental Health Services Data Set team type, e.g. A25 for a crisis house.",
    )

    class Meta:
        ordering = ["taxonomy", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"], name="term_unique_code_per_taxonomy"
            ),
        ]

    def __str__(self):
        return self.name


class Language(models.Model):
    """A language, by its BCP 47 code, named in English and in itself."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=100)
    native_name = models.CharField(max_length=100)
    rtl = models.BooleanField("written right to left", default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        if self.native_name and self.native_name != self.name:
            return f"{self.name} / {self.native_name}"
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    ethnic_minority_led = models.BooleanField(
        default=False, help_text="Run by and for people from an ethnic minority community."
    )
    user_led = models.BooleanField(
        default=False, help_text="Run by people with lived experience of mental distress."
    )
    created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Service.Status.ACTIVE)

    def stale(self, today=None):
        """Never checked, or checked longer ago than STALE_AFTER_DAYS."""
        today = today or timezone.localdate()
        cutoff = today - timedelta(days=settings.STALE_AFTER_DAYS)
        return self.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Gender(models.TextChoices):
        ANY = "", _("Anyone")
        FEMALE = "female", _("Women only")
        MALE = "male", _("Men only")

    class AssuranceRole(models.TextChoices):
        MODERATOR = "moderator", _("a moderator")
        COMMUNITY_CHAMPION = "community_champion", _("a community champion")
        PROVIDER = "provider", _("the provider")

    class AssuranceMethod(models.TextChoices):
        PHONE = "phone", _("by phone")
        VISIT = "visit", _("by visiting")
        EMAIL = "email", _("by email")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    url = models.URLField("website", blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)

    service_types = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services_of_type",
        limit_choices_to={"taxonomy": vocabulary.SERVICE_TYPE},
    )
    needs = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services_for_need",
        limit_choices_to={"taxonomy": vocabulary.NEED},
    )
    communities = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services_for_community",
        limit_choices_to={"taxonomy": vocabulary.COMMUNITY},
    )
    access_routes = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="services_by_route",
        limit_choices_to={"taxonomy": vocabulary.ACCESS_ROUTE},
    )

    # Eligibility. Ineligible people are excluded from suggestions, never just ranked lower.
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.ANY, blank=True)
    eligibility_description = models.TextField(blank=True)

    free = models.BooleanField(default=True)
    fees_description = models.TextField(blank=True)

    # Coverage: a national service serves the whole nation by phone or online; otherwise an
    # optional GeoJSON Polygon bounds the area it serves (IMHA serves one local authority).
    national = models.BooleanField(default=False)
    service_area = models.JSONField(null=True, blank=True, help_text="A GeoJSON Polygon.")
    service_area_description = models.CharField(max_length=200, blank=True)

    # Verification: when a person last checked the listing, who, in what role and how.
    # `last_modified` is not verification and is never shown as if it were.
    assured_date = models.DateField("last checked", null=True, blank=True)
    assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="checked by",
    )
    assurer_email = models.EmailField("checker's email", blank=True)
    assurance_role = models.CharField(
        "checked by (role)", max_length=32, choices=AssuranceRole.choices, blank=True
    )
    assurance_method = models.CharField(
        "checked how", max_length=16, choices=AssuranceMethod.choices, blank=True
    )

    referral_partners = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="referred_from",
        help_text="Services this one can refer people on to.",
    )

    created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # No index on status: nearly every service is active, and an index there leads
        # SQLite's planner (which keeps no statistics until ANALYZE) to walk every service
        # in the country before the selective conditions below.
        indexes = [
            # Small partial indexes for the two kinds of service a local search adds to what
            # is nearby, so finding them never reads every service in the country.
            # With status and national in it, the filters read a national service's id
            # from the index and never its row.
            models.Index(
                fields=["name", "id", "status", "national"],
                condition=Q(national=True),
                name="service_national_covering",
            ),
            models.Index(
                fields=["name", "id"],
                condition=Q(service_area__isnull=False),
                name="service_with_area_by_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_min_age_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(maximum_age__isnull=True) | Q(maximum_age__lte=130),
                name="service_max_age_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "inactive"]), name="service_status_known"
            ),
            models.CheckConstraint(
                condition=Q(gender__in=["", "female", "male"]), name="service_gender_known"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.service_area is not None:
            validate_polygon(self.service_area)

    def is_stale(self, today=None) -> bool:
        return listing_is_stale(self.assured_date, today)


def listing_is_stale(assured_date, today=None) -> bool:
    """Never checked, or last checked longer ago than STALE_AFTER_DAYS."""
    today = today or timezone.localdate()
    if assured_date is None:
        return True
    return assured_date < today - timedelta(days=settings.STALE_AFTER_DAYS)


def validate_polygon(value) -> None:
    """A GeoJSON Polygon or MultiPolygon with numeric [lon, lat] rings."""
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError({"service_area": _("Give a GeoJSON Polygon or MultiPolygon.")})
    polygons = value.get("coordinates")
    if value["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    raise ValueError
                for lon, lat in ring:
                    if not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
                        raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            {"service_area": _("Each ring needs at least four [longitude, latitude] points.")}
        ) from None


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    name = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField("address", max_length=200, blank=True)
    address_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    nation = models.CharField(max_length=20, choices=vocabulary.NATIONS, default="england")
    latitude = models.FloatField()
    longitude = models.FloatField()
    accessibility = models.TextField("accessibility notes", blank=True)
    # A refuge or safe house: the public sees the area and distance, never the street or the
    # exact point. Enforced where locations leave the building (serializers, pages, export).
    confidential = models.BooleanField(default=False)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["town", "name"]
        # With the id, the search box is answered from the index alone.
        indexes = [models.Index(fields=["latitude", "longitude", "id"], name="location_lat_lon_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90) & Q(latitude__lte=90), name="location_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180) & Q(longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self):
        if self.confidential:
            return f"{self.name or 'Confidential address'} ({self.town})"
        return ", ".join(part for part in (self.name, self.address_1, self.town) if part)

    @property
    def outcode(self) -> str:
        return self.postcode.split()[0] if self.postcode else ""

    @property
    def public_postcode(self) -> str:
        return public_postcode(self.postcode, self.confidential)

    @property
    def public_latitude(self) -> float:
        return public_coordinate(self.latitude, self.confidential)

    @property
    def public_longitude(self) -> float:
        return public_coordinate(self.longitude, self.confidential)


def public_postcode(postcode: str, confidential: bool) -> str:
    """The whole postcode, or only its district for a confidential address."""
    if not confidential:
        return postcode
    return postcode.split()[0] if postcode else ""


def public_coordinate(value: float, confidential: bool) -> float:
    # Two decimals is about a kilometre: enough for distance, not enough to find a door.
    return round(value, 2) if confidential else value


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        db_index=False,  # the (location, service) index below serves lookups by location
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "service at location"
        # From a place in the search box to its services without reading the table.
        indexes = [models.Index(fields=["location", "service"], name="sal_location_service")]
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_location_once"),
        ]

    def __str__(self):
        return f"{self.service} at {self.location}"


class ServiceLanguage(models.Model):
    """A language a service works in, and how: staff speak it, through an interpreter, or in
    written material. HSDS `service.languages[]` with a `language_provision` attribute."""

    class Provision(models.TextChoices):
        STAFF = "staff", _("Staff speak it")
        INTERPRETER = "interpreter", _("Through an interpreter")
        WRITTEN = "written", _("Written material")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    provision = models.CharField(
        "how", max_length=16, choices=Provision.choices, default=Provision.STAFF
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "language"
        ordering = ["language__name"]
        indexes = [models.Index(fields=["language", "provision"], name="servicelanguage_lang_how")]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language", "provision"], name="service_language_once_per_how"
            ),
            models.CheckConstraint(
                condition=Q(provision__in=["staff", "interpreter", "written"]),
                name="service_language_provision_known",
            ),
        ]

    def __str__(self):
        return f"{self.language.name} ({self.get_provision_display().lower()})"


class Phone(models.Model):
    class Type(models.TextChoices):
        VOICE = "voice", _("Phone")
        TEXT = "text", _("Text message (SMS)")
        TEXTPHONE = "textphone", _("Textphone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=30)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.VOICE)
    description = models.CharField(max_length=200, blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="+", help_text="Languages answered on this line."
    )

    class Meta:
        ordering = ["type", "number"]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="phone_number_not_blank"),
            models.CheckConstraint(
                condition=Q(type__in=["voice", "text", "textphone"]), name="phone_type_known"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def dial_string(self) -> str:
        """The number as a phone dials it, for tel: and sms: links."""
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


class Schedule(models.Model):
    """One weekly opening span: a weekday, opening and closing time (Europe/London).

    A closing time earlier than the opening time runs past midnight into the next day, and
    23:59 means "until midnight"; all seven days 00:00–23:59 is 24/7 (the HSDS convention).
    Closed on the bank holidays of the location's nation unless `open_bank_holidays`.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    open_bank_holidays = models.BooleanField("open on bank holidays", default=False)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(service__isnull=False) & Q(service_at_location__isnull=True))
                | (Q(service__isnull=True) & Q(service_at_location__isnull=False)),
                name="schedule_for_service_or_location",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="schedule_weekday_range"
            ),
            # Equal times would be an empty span; a span that crosses midnight closes earlier
            # than it opens, so "opening before closing" cannot be the rule here.
            models.CheckConstraint(
                condition=~Q(opens_at=models.F("closes_at")), name="schedule_span_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at < self.opens_at


class Place(models.Model):
    """The gazetteer: a postcode, postcode district (outcode) or place name, with a point.

    Keys are normalised: postcodes and outcodes upper case without spaces, place names in
    lower case. Filled by `import_gazetteer` or, for the demo, `seed_demo`.
    """

    class Kind(models.TextChoices):
        POSTCODE = "postcode", _("Postcode")
        OUTCODE = "outcode", _("Postcode district")
        PLACE = "place", _("Place")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    latitude = models.FloatField()
    longitude = models.FloatField()
    nation = models.CharField(max_length=20, choices=vocabulary.NATIONS, blank=True)

    class Meta:
        ordering = ["kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="place_unique_key_per_kind"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90) & Q(latitude__lte=90), name="place_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180) & Q(longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name


class GeocodedPlace(models.Model):
    """A cached answer from the optional online geocoder (off unless GEOCODER is set).

    Caching means a place is asked about once, and a page never waits on the network for a
    name it has seen before. A miss is cached too (`found` false), so it is not asked again.
    """

    query = models.CharField(max_length=200, unique=True, help_text="The normalised query.")
    found = models.BooleanField(default=True)
    name = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    nation = models.CharField(max_length=20, choices=vocabulary.NATIONS, blank=True)
    geocoder = models.CharField(max_length=50)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(found=False) | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="geocodedplace_found_has_point",
            ),
        ]

    def __str__(self):
        return self.query


class ServiceSearchDocument(models.Model):
    """The words a text search matches for one service, kept in step by `directory.search`.

    `title` holds the service and organisation names (weighted higher); `body` the
    description, vocabulary labels, language names in English and in their own script, and
    towns. The full-text index over these columns is database-specific (an FTS5 table on
    SQLite, a GIN expression index on PostgreSQL) and is made by migration 0005.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    body = models.TextField()

    def __str__(self):
        return self.title


class ServiceAttribute(models.Model):
    """An HSDS attribute that came in on an import and that our vocabulary has no place for.

    Kept, not dropped, so that Navigator loses nothing in exchange: `directory/hsds.py`
    exports `raw` again, exactly as it came, on the entity it was attached to (`link_entity`
    and `link_id`: the service itself, its organisation, a location, a phone…). The other
    columns are copies from `raw` for moderators to read and filter in the admin.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="hsds_attributes")
    link_entity = models.CharField(max_length=32, help_text="service, organization, location…")
    link_id = models.UUIDField(help_text="The HSDS id of the entity the attribute is on.")
    link_type = models.CharField(max_length=100, blank=True)
    taxonomy = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=500, blank=True)
    value = models.TextField(blank=True)
    raw = models.JSONField(help_text="The HSDS attribute object as it was received.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["service", "link_entity", "link_id", "position"]
        verbose_name = "HSDS attribute"

    def __str__(self):
        return f"{self.taxonomy or self.link_type}: {self.name or self.code or self.value}"
