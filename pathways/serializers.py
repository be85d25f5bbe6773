"""The pathway request, validated once for the API and the web form alike.

What a person tells this form is health information: it is validated here, handed to the
engine and forgotten. Nothing here stores or logs it.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from directory import geo, vocabulary
from directory.filters import known_language_codes

NEEDS = [term.code for term in vocabulary.NEEDS]
COMMUNITIES = [term.code for term in vocabulary.COMMUNITIES]
NATIONS = [code for code, _label in vocabulary.NATIONS]
URGENCIES = ["crisis_now", "soon", "routine"]
GENDERS = ["female", "male", "non_binary", "other"]
PREFERENCES = ["ethnic_minority_led", "user_led"]
MODES = ["public", "professional"]
DEFAULT_MAX_DISTANCE_KM = 15
MAX_LIST = 20


class LanguageCodeField(serializers.CharField):
    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if code not in known_language_codes():
            raise serializers.ValidationError(
                _("Unknown language code %(code)s. See /api/v1/languages/.") % {"code": code}
            )
        return code


class LocationSerializer(serializers.Serializer):
    """One of a postcode, a place, or a latitude and longitude."""

    postcode = serializers.CharField(required=False, max_length=40)
    place = serializers.CharField(required=False, max_length=100)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)

    def validate(self, data):
        given = [key for key in ("postcode", "place") if data.get(key)]
        has_point = "lat" in data or "lon" in data
        if len(given) + has_point != 1:
            raise serializers.ValidationError(
                _("Give one of a postcode, a place, or a latitude and longitude.")
            )
        try:
            if data.get("postcode"):
                return geo.resolve_postcode(data["postcode"])
            if data.get("place"):
                return geo.resolve_place(data["place"])
            if "lat" not in data or "lon" not in data:
                raise serializers.ValidationError(_("Give both a latitude and a longitude."))
            return geo.resolve_coordinates(data["lat"], data["lon"])
        except geo.GeoError as error:
            key = given[0] if given else "lat"
            raise serializers.ValidationError({key: [error.message]}) from None


def _choices(values):
    return serializers.ChoiceField(choices=values)


class PathwayRequestSerializer(serializers.Serializer):
    location = LocationSerializer()
    nation = serializers.ChoiceField(choices=NATIONS, required=False)
    languages = serializers.ListField(
        child=LanguageCodeField(max_length=16), required=False, max_length=MAX_LIST
    )
    needs = serializers.ListField(child=_choices(NEEDS), required=False, max_length=MAX_LIST)
    urgency = serializers.ChoiceField(choices=URGENCIES, required=False, default="routine")
    mha_status = serializers.ChoiceField(
        choices=list(vocabulary.MHA_STATUSES), required=False, allow_null=True
    )
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    gender = serializers.ChoiceField(choices=GENDERS, required=False, allow_null=True)
    communities = serializers.ListField(
        child=_choices(COMMUNITIES), required=False, max_length=MAX_LIST
    )
    faith = serializers.CharField(required=False, allow_blank=True, max_length=50)
    prefer = serializers.ListField(
        child=_choices(PREFERENCES), required=False, max_length=len(PREFERENCES)
    )
    max_distance_km = serializers.FloatField(
        required=False, min_value=0.5, max_value=200, default=DEFAULT_MAX_DISTANCE_KM
    )
    mode = serializers.ChoiceField(choices=MODES, required=False, default="public")
    at = serializers.DateTimeField(required=False)

    def validate_at(self, value):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def validate(self, data):
        origin = data["location"]
        data["origin"] = origin
        data["nation"] = data.get("nation") or origin.nation or "england"
        data.setdefault("at", timezone.now())
        for key in ("languages", "needs", "communities", "prefer"):
            data[key] = tuple(dict.fromkeys(data.get(key) or ()))
        data["faith"] = (data.get("faith") or "").strip().lower()
        return data
