"""The web form: short, plain questions, all optional but where. It hands its answers to the
same PathwayRequestSerializer as the API, so the page and the API cannot disagree."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from directory import geo, vocabulary

from .serializers import DEFAULT_MAX_DISTANCE_KM

URGENCY_CHOICES = [
    ("crisis_now", _("I need help now")),
    ("soon", _("In the next few days")),
    ("routine", _("I am looking for support over time")),
]
GENDER_CHOICES = [
    ("", _("Prefer not to say")),
    ("female", _("Woman or girl")),
    ("male", _("Man or boy")),
    ("non_binary", _("Non-binary")),
    ("other", _("Another way")),
]
FAITH_CHOICES = [
    ("", _("No preference")),
    ("christian", _("Christian")),
    ("muslim", _("Muslim")),
    ("sikh", _("Sikh")),
    ("hindu", _("Hindu")),
    ("jewish", _("Jewish")),
    ("buddhist", _("Buddhist")),
    ("rastafari", _("Rastafari")),
]
MHA_CHOICES = [
    ("", _("No, or not sure")),
    ("informal", _("I am in hospital as a voluntary (informal) patient")),
    ("s2", _("Detained under section 2")),
    ("s3", _("Detained under section 3")),
    ("s4", _("Detained under section 4")),
    ("s5_2", _("Held under section 5(2)")),
    ("s5_4", _("Held under section 5(4)")),
    ("s135", _("Taken to a place of safety under section 135")),
    ("s136", _("Taken to a place of safety under section 136")),
    ("s35", _("Section 35")),
    ("s36", _("Section 36")),
    ("s37", _("Section 37")),
    ("s37_41", _("Section 37/41")),
    ("s38", _("Section 38")),
    ("s45a", _("Section 45A")),
    ("s47", _("Section 47")),
    ("s47_49", _("Section 47/49")),
    ("s48", _("Section 48")),
    ("s48_49", _("Section 48/49")),
    ("cto", _("On a community treatment order (CTO)")),
    ("guardianship", _("Under guardianship")),
    ("conditional_discharge", _("Conditionally discharged")),
]


def _kilometres(km: int) -> str:
    return _("%(km)s km") % {"km": km}


# Choices are made once, when the module is imported, but shown in each page's language: the
# labels stay lazy until a page renders them.
_kilometres_lazy = lazy(_kilometres, str)
DISTANCE_CHOICES = [(str(km), _kilometres_lazy(km)) for km in (3, 5, 10, 15, 25, 50)]


def _language_choices():
    return [("", _("Choose a language"))] + [
        (
            entry.code,
            f"{entry.name} / {entry.native_name}"
            if entry.native_name != entry.name
            else entry.name,
        )
        for entry in sorted(vocabulary.LANGUAGES, key=lambda entry: entry.name)
    ]


class PathwayForm(forms.Form):
    where = forms.CharField(
        label=_("Where are you?"),
        help_text=_("A postcode, like WV1 1AA, or a town, like Wolverhampton."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"data-location-text": "", "autocomplete": "postal-code"}),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    urgency = forms.ChoiceField(
        label=_("How soon do you need support?"),
        choices=URGENCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    first_language = forms.ChoiceField(
        label=_("Which language would you like to use?"), choices=_language_choices, required=False
    )
    other_language = forms.ChoiceField(
        label=_("Another language you speak (optional)"), choices=_language_choices, required=False
    )
    needs = forms.MultipleChoiceField(
        label=_("What would help?"),
        help_text=_("Choose as many as you like."),
        choices=[(term.code, _(term.name)) for term in vocabulary.NEEDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    communities = forms.MultipleChoiceField(
        label=_("Would you like support from your community?"),
        choices=[
            (term.code, _(term.name)) for term in vocabulary.COMMUNITIES if term.code != "everyone"
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    faith = forms.ChoiceField(label=_("A faith setting?"), choices=FAITH_CHOICES, required=False)
    prefer = forms.MultipleChoiceField(
        label=_("Would you prefer services that are"),
        choices=[
            ("ethnic_minority_led", _("run by and for ethnic minority communities")),
            ("user_led", _("run by people with lived experience")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age = forms.IntegerField(
        label=_("Your age (optional)"), min_value=0, max_value=120, required=False
    )
    gender = forms.ChoiceField(
        label=_("Your gender (optional)"),
        choices=GENDER_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    mha_status = forms.ChoiceField(
        label=_("Are you in hospital, or under the Mental Health Act?"),
        choices=MHA_CHOICES,
        required=False,
    )
    max_distance_km = forms.ChoiceField(
        label=_("How far can you travel?"), choices=DISTANCE_CHOICES, required=False
    )
    mode = forms.ChoiceField(
        choices=[("public", "public"), ("professional", "professional")],
        required=False,
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned = super().clean()
        has_point = cleaned.get("lat") is not None and cleaned.get("lon") is not None
        if not (cleaned.get("where") or "").strip() and not has_point:
            self.add_error(
                "where",
                _("Enter a postcode or a town, or use your location, so we can look nearby."),
            )
        return cleaned

    def request_data(self) -> dict:
        """The answers in the shape of the pathway API's request."""
        cleaned = self.cleaned_data
        where = (cleaned.get("where") or "").strip()
        if cleaned.get("lat") is not None and cleaned.get("lon") is not None and not where:
            location = {"lat": cleaned["lat"], "lon": cleaned["lon"]}
        else:
            try:
                geo.parse_postcode(where)
                location = {"postcode": where}
            except geo.InvalidPostcode:
                location = {"place": where}
        languages = [
            code for code in (cleaned.get("first_language"), cleaned.get("other_language")) if code
        ]
        data = {
            "location": location,
            "languages": languages,
            "needs": cleaned.get("needs") or [],
            "urgency": cleaned.get("urgency") or "routine",
            "communities": cleaned.get("communities") or [],
            "faith": cleaned.get("faith") or "",
            "prefer": cleaned.get("prefer") or [],
            "max_distance_km": float(cleaned.get("max_distance_km") or DEFAULT_MAX_DISTANCE_KM),
            "mode": cleaned.get("mode") or "public",
        }
        for key in ("age", "gender", "mha_status"):
            if cleaned.get(key) not in (None, ""):
                data[key] = cleaned[key]
        return data
