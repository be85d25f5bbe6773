"""The synthetic directory the benchmark searches: plain Python, no Django.

`directory(size)` describes `size` services as frozen dataclasses, the same every time for the
same size (every random choice comes from `random.Random` with a fixed seed). `bench/build.py`
writes them into a database.

Two parts:

- **The neighbourhood**: a fixed set of services around the WV1 district (Wolverhampton),
  identical in every size: same ids, slugs, names, places, vocabulary, hours. Most are within
  10 km of the WV1 centroid, a few sit in the corners of the 10 km search box (inside the box,
  outside the circle), and a few are national lines that the local benchmark query finds too.
- **The background**: the rest, spread over UK postcode districts. With
  `../shared/data/uk-outcodes.csv` present, each service picks a district uniformly: districts
  are drawn by Royal Mail to carry similar volumes of post, so they are small and many where
  people are many, and a uniform pick already puts far more services in London or Birmingham
  than in the Highlands. Without the file, a built-in list of 68 city districts is used.
  No background service has a location within EXCLUSION_KM of WV1, which keeps all of them
  out of the local query's bounding box; and background national lines are of kinds
  (helplines, crisis lines, advocacy, carers' support, welfare advice) that the local query's
  service-type filter does not ask for. So the local query reads the same rows and returns
  the same results at 1k and at 100k services: only the size of the country around it grows.
"""

import csv
import itertools
import math
import random
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTCODES_CSV = REPO.parent / "shared" / "data" / "uk-outcodes.csv"

SEED = 20261201
EARTH_RADIUS_KM = 6371.009

# The neighbourhood: the WV1 district centroid and the districts within 10 km of it
# (from uk-outcodes.csv, written out so the neighbourhood is the same without the file).
NEIGHBOURHOOD_OUTCODE = "WV1"
NEIGHBOURHOOD_CENTRE = (52.58605, -2.11656)
NEIGHBOURHOOD_SERVICES = 36  # within 9.5 km of the centre
NEIGHBOURHOOD_CORNER_SERVICES = 4  # 10.5–13.5 km away on the diagonals: in the box, not the circle
NEIGHBOURHOOD_NATIONAL_SERVICES = 4
# Well beyond the corners of a 10 km search box (14.1 km); background districts also keep
# JITTER_CAP_KM clear of it, so no background service is ever inside the box.
EXCLUSION_KM = 15.0
JITTER_CAP_KM = 3.0

# (outcode, latitude, longitude, town, country)
NEIGHBOURHOOD_DISTRICTS = (
    ("WV1", 52.58605, -2.11656, "Wolverhampton", "England"),
    ("WV2", 52.57436, -2.11948, "Wolverhampton", "England"),
    ("WV3", 52.57972, -2.15196, "Wolverhampton", "England"),
    ("WV4", 52.56265, -2.14305, "Wolverhampton", "England"),
    ("WV10", 52.61752, -2.11369, "Wednesfield", "England"),
    ("WV13", 52.58519, -2.06195, "Willenhall", "England"),
    ("WV11", 52.61036, -2.07232, "Wednesfield", "England"),
    ("WV14", 52.55731, -2.07961, "Bilston", "England"),
    ("WV6", 52.59585, -2.18302, "Wolverhampton", "England"),
    ("WV12", 52.60588, -2.04130, "Willenhall", "England"),
    ("WV9", 52.63367, -2.14180, "Wolverhampton", "England"),
    ("WV8", 52.62372, -2.18461, "Bilbrook", "England"),
    ("DY3", 52.53030, -2.12968, "Dudley", "England"),
    ("WS10", 52.56093, -2.02208, "Wednesbury", "England"),
    ("DY4", 52.53305, -2.05450, "Tipton", "England"),
    ("WS2", 52.58880, -2.00291, "Walsall", "England"),
    ("DY1", 52.51684, -2.09722, "Dudley", "England"),
    ("WV5", 52.53378, -2.21077, "Wombourne", "England"),
    ("WS3", 52.61847, -1.99109, "Bloxwich", "England"),
    ("WS1", 52.57981, -1.97930, "Walsall", "England"),
)

# Used when uk-outcodes.csv is absent: central districts of UK cities, all four nations.
FALLBACK_DISTRICTS = (
    ("E1", 51.51817, -0.06003, "Whitechapel", "England"),
    ("E8", 51.54253, -0.06476, "Hackney", "England"),
    ("E15", 51.53962, 0.00145, "Stratford", "England"),
    ("N15", 51.58240, -0.08328, "Tottenham", "England"),
    ("N17", 51.59841, -0.07249, "Tottenham", "England"),
    ("NW10", 51.54001, -0.24801, "Brent", "England"),
    ("SE1", 51.49889, -0.09110, "Southwark", "England"),
    ("SE15", 51.47241, -0.06629, "Peckham", "England"),
    ("SW9", 51.46959, -0.11392, "Brixton", "England"),
    ("SW17", 51.43082, -0.16443, "Tooting", "England"),
    ("W12", 51.50827, -0.23049, "Shepherd's Bush", "England"),
    ("UB1", 51.51485, -0.37436, "Southall", "England"),
    ("HA0", 51.55074, -0.30529, "Wembley", "England"),
    ("IG1", 51.55906, 0.07299, "Ilford", "England"),
    ("CR0", 51.37275, -0.07624, "Croydon", "England"),
    ("B1", 52.47909, -1.90867, "Birmingham", "England"),
    ("B10", 52.47004, -1.85275, "Birmingham", "England"),
    ("B11", 52.45477, -1.86016, "Birmingham", "England"),
    ("B20", 52.51416, -1.91891, "Birmingham", "England"),
    ("M1", 53.47759, -2.23652, "Manchester", "England"),
    ("M8", 53.50904, -2.23971, "Manchester", "England"),
    ("M14", 53.44795, -2.22581, "Manchester", "England"),
    ("LS1", 53.79696, -1.54907, "Leeds", "England"),
    ("LS8", 53.82467, -1.51080, "Leeds", "England"),
    ("BD1", 53.79576, -1.75403, "Bradford", "England"),
    ("BD3", 53.79840, -1.72821, "Bradford", "England"),
    ("LE1", 52.63415, -1.12965, "Leicester", "England"),
    ("LE4", 52.66378, -1.12463, "Leicester", "England"),
    ("NG1", 52.95432, -1.14855, "Nottingham", "England"),
    ("NG7", 52.95812, -1.17676, "Nottingham", "England"),
    ("S1", 53.38047, -1.46930, "Sheffield", "England"),
    ("L1", 53.40279, -2.98063, "Liverpool", "England"),
    ("L8", 53.39034, -2.96380, "Liverpool", "England"),
    ("BS1", 51.45357, -2.59432, "Bristol", "England"),
    ("BS5", 51.46188, -2.55125, "Bristol", "England"),
    ("CF10", 51.47434, -3.17773, "Cardiff", "Wales"),
    ("CF24", 51.48526, -3.16505, "Cardiff", "Wales"),
    ("NP20", 51.59103, -3.00608, "Newport", "Wales"),
    ("SA1", 51.62786, -3.94022, "Swansea", "Wales"),
    ("G1", 55.86032, -4.24799, "Glasgow", "Scotland"),
    ("G41", 55.83809, -4.28344, "Glasgow", "Scotland"),
    ("EH1", 55.95238, -3.18983, "Edinburgh", "Scotland"),
    ("AB10", 57.13495, -2.11893, "Aberdeen", "Scotland"),
    ("DD1", 56.46098, -2.97849, "Dundee", "Scotland"),
    ("BT1", 54.59948, -5.92940, "Belfast", "Northern Ireland"),
    ("BT7", 54.58165, -5.92459, "Belfast", "Northern Ireland"),
    ("BT48", 55.00934, -7.32818, "Londonderry", "Northern Ireland"),
    ("NE1", 54.97270, -1.61255, "Newcastle upon Tyne", "England"),
    ("SR1", 54.90704, -1.38080, "Sunderland", "England"),
    ("TS1", 54.57192, -1.23894, "Middlesbrough", "England"),
    ("HU1", 53.74312, -0.33662, "Hull", "England"),
    ("YO1", 53.95878, -1.08250, "York", "England"),
    ("CV1", 52.40978, -1.50748, "Coventry", "England"),
    ("LU1", 51.87523, -0.42532, "Luton", "England"),
    ("SL1", 51.51801, -0.62071, "Slough", "England"),
    ("OX1", 51.74498, -1.26127, "Oxford", "England"),
    ("CB1", 52.17655, 0.18788, "Cambridge", "England"),
    ("NR1", 52.62711, 1.30829, "Norwich", "England"),
    ("SO14", 50.90861, -1.39690, "Southampton", "England"),
    ("PO1", 50.79960, -1.08896, "Portsmouth", "England"),
    ("PL1", 50.37133, -4.15428, "Plymouth", "England"),
    ("EX1", 50.72598, -3.50599, "Exeter", "England"),
    ("PE1", 52.58742, -0.24048, "Peterborough", "England"),
    ("PR1", 53.75800, -2.70222, "Preston", "England"),
    ("BB1", 53.75646, -2.46407, "Blackburn", "England"),
    ("OL1", 53.54968, -2.10712, "Oldham", "England"),
    ("ST1", 53.02646, -2.17291, "Stoke-on-Trent", "England"),
    ("DE1", 52.92026, -1.47643, "Derby", "England"),
)

NATIONS = {
    "england": "england",
    "wales": "wales",
    "scotland": "scotland",
    "northern ireland": "northern_ireland",
}

# --------------------------------------------------------------------------- vocabulary

# type code: (the words a name ends with, a phrase for the description)
SERVICE_TYPES = {
    "bme_community_org": ("Community Association", "a community organisation"),
    "faith_based": ("Faith and Wellbeing Circle", "a faith-based wellbeing group"),
    "community_agency": ("Community Hub", "a community hub"),
    "youth_service": ("Youth Project", "a youth project"),
    "housing_support": ("Housing Support", "housing support"),
    "welfare_advice": ("Welfare Advice", "welfare and benefits advice"),
    "education_support": ("Learning Support", "support in education"),
    "criminal_justice_liaison": ("Justice Liaison", "liaison with police, courts and probation"),
    "crisis_house": ("Crisis House", "a crisis house, a short stay instead of hospital"),
    "crisis_cafe": ("Crisis Café", "a crisis café, a safe haven out of hours"),
    "sanctuary": ("Sanctuary", "a night-time sanctuary"),
    "recovery_house": ("Recovery House", "a recovery house after a stay in hospital"),
    "crisis_line": ("Crisis Line", "a crisis line"),
    "helpline": ("Helpline", "a helpline"),
    "advocacy": ("Advocacy", "independent advocacy"),
    "imha": ("Mental Health Act Advocacy", "independent mental health advocacy (IMHA)"),
    "peer_support": ("Peer Support", "peer support groups led by people with lived experience"),
    "talking_therapy": ("Talking Therapies", "culturally adapted counselling and talking therapy"),
    "cultural_consultation": ("Cultural Consultation", "cultural consultation for clinicians"),
    "carers_support": ("Carers Support", "support for family carers"),
}
# What each kind of service usually helps with.
TYPE_NEEDS = {
    "bme_community_org": ("emotional_support", "isolation", "racism_trauma"),
    "faith_based": ("faith_spiritual", "emotional_support", "bereavement"),
    "community_agency": ("isolation", "money_welfare", "emotional_support"),
    "youth_service": ("young_person", "emotional_support", "substance_use"),
    "housing_support": ("housing", "leaving_hospital"),
    "welfare_advice": ("money_welfare", "housing", "refugee_asylum"),
    "education_support": ("young_person", "emotional_support"),
    "criminal_justice_liaison": ("advocacy_rights", "substance_use"),
    "crisis_house": ("crisis_now", "leaving_hospital"),
    "crisis_cafe": ("crisis_now", "emotional_support"),
    "sanctuary": ("crisis_now", "emotional_support", "isolation"),
    "recovery_house": ("leaving_hospital", "crisis_now"),
    "crisis_line": ("crisis_now",),
    "helpline": ("emotional_support", "isolation"),
    "advocacy": ("advocacy_rights", "detained_support"),
    "imha": ("detained_support", "advocacy_rights"),
    "peer_support": ("emotional_support", "isolation", "racism_trauma"),
    "talking_therapy": ("talking_therapy", "racism_trauma", "bereavement"),
    "cultural_consultation": ("racism_trauma", "talking_therapy"),
    "carers_support": ("carer_support",),
}
NEED_PHRASES = {
    "crisis_now": "help straight away in a crisis",
    "emotional_support": "someone to talk to",
    "talking_therapy": "counselling",
    "advocacy_rights": "help to know and use your rights",
    "detained_support": "support while detained in hospital",
    "leaving_hospital": "support when leaving hospital",
    "carer_support": "support for carers and families",
    "racism_trauma": "support after racism and trauma",
    "faith_spiritual": "faith and spiritual care",
    "housing": "help with housing",
    "money_welfare": "help with money and benefits",
    "substance_use": "help with alcohol and drugs",
    "young_person": "support for young people",
    "bereavement": "bereavement support",
    "domestic_abuse": "support after domestic abuse",
    "isolation": "company for people who feel alone",
    "refugee_asylum": "support for refugees and people seeking asylum",
}
# community code: (adjective in a name, languages spoken in that community)
COMMUNITIES = {
    "african": ("African", ("yo", "tw", "fr", "sw")),
    "african_caribbean": ("African Caribbean", ("jam",)),
    "mixed_heritage": ("Mixed Heritage", ()),
    "south_asian": ("South Asian", ("pa", "ur", "hi", "gu", "bn")),
    "indian": ("Indian", ("pa", "gu", "hi")),
    "pakistani": ("Pakistani", ("ur", "pa", "ps")),
    "bangladeshi": ("Bangladeshi", ("bn", "syl")),
    "sri_lankan_tamil": ("Tamil", ("ta",)),
    "chinese": ("Chinese", ("yue", "cmn")),
    "east_asian": ("East Asian", ("vi", "cmn")),
    "arab": ("Arab", ("ar",)),
    "somali": ("Somali", ("so",)),
    "eastern_european": ("Eastern European", ("pl", "ro", "lt", "bg")),
    "gypsy_roma_traveller": ("Gypsy, Roma and Traveller", ("rom",)),
    "refugee_asylum_seeker": ("Refugee", ("ar", "fa", "ku", "ti", "ps", "am")),
    "everyone": ("Community", ()),
}
ACCESS_ROUTES = (
    "self_referral",
    "drop_in",
    "phone",
    "text",
    "online",
    "gp_referral",
    "professional_referral",
    "community_referral",
)
ORGANIZATION_NOUNS = (
    "Association", "Trust", "Forum", "Network", "Collective", "Centre", "Alliance",
    "Foundation", "Project", "Voice", "Circle", "Partnership",
)  # fmt: skip

# Weekly hours: (weekday 0 = Monday, opens, closes); a closing time earlier than the opening
# runs past midnight. The benchmark asks for Wednesday 19:00: evenings and 24/7 are open then.
SCHEDULES = {
    "office": tuple((day, "09:00", "17:00") for day in range(5)),
    "office_and_late": (
        *((day, "09:30", "16:30") for day in range(5)),
        (1, "17:30", "20:30"),
        (3, "17:30", "20:30"),
    ),
    "evenings": tuple((day, "17:00", "22:00") for day in range(6)),
    "overnight": tuple((day, "18:00", "02:00") for day in (3, 4, 5, 6)),
    "24/7": tuple((day, "00:00", "23:59") for day in range(7)),
    "weekends": ((5, "10:00", "16:00"), (6, "10:00", "16:00")),
    "by_appointment": (),
}
SCHEDULE_WEIGHTS = {
    "office": 35,
    "office_and_late": 15,
    "evenings": 15,
    "overnight": 10,
    "24/7": 10,
    "weekends": 10,
    "by_appointment": 5,
}
CRISIS_TYPES = ("crisis_house", "crisis_cafe", "sanctuary", "recovery_house", "crisis_line")
# National lines in the background: kinds the local benchmark query does not ask for.
BACKGROUND_NATIONAL_TYPES = (
    "helpline",
    "crisis_line",
    "advocacy",
    "carers_support",
    "welfare_advice",
)
LOCAL_TYPES = tuple(code for code in SERVICE_TYPES if code not in ("crisis_line", "helpline"))

# Ofcom's drama ranges (eight fixed digits, then any three), by the area a district is in.
PHONE_PREFIXES = {
    "london": "020 7946 0",
    "B": "0121 496 0", "WV": "0121 496 0", "WS": "0121 496 0", "DY": "0121 496 0",
    "M": "0161 496 0", "OL": "0161 496 0", "LS": "0113 496 0", "BD": "0113 496 0",
    "S": "0114 496 0", "NG": "0115 496 0", "LE": "0116 496 0", "BS": "0117 496 0",
    "RG": "0118 496 0", "EH": "0131 496 0", "G": "0141 496 0", "L": "0151 496 0",
    "NE": "0191 498 0", "SR": "0191 498 0", "BT": "028 9649 6", "CF": "029 2018 0",
}  # fmt: skip
LONDON_AREAS = {"E", "EC", "N", "NW", "SE", "SW", "W", "WC"}
OTHER_PHONE_PREFIX = "01632 960"
MOBILE_PREFIX = "07700 900"
FREEPHONE_PREFIX = "0808 157 0"


# --------------------------------------------------------------------------- the records


@dataclass(frozen=True)
class District:
    outcode: str
    latitude: float
    longitude: float
    town: str
    nation: str
    jitter_km: float = JITTER_CAP_KM


@dataclass(frozen=True)
class OrganizationSpec:
    id: uuid.UUID
    name: str
    description: str
    website: str
    ethnic_minority_led: bool
    user_led: bool


@dataclass(frozen=True)
class LocationSpec:
    id: uuid.UUID
    address_1: str
    town: str
    postcode: str
    nation: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ServiceSpec:
    id: uuid.UUID
    organization: OrganizationSpec
    slug: str
    name: str
    description: str
    url: str
    national: bool
    location: LocationSpec | None
    service_types: tuple[str, ...]
    needs: tuple[str, ...]
    communities: tuple[str, ...]
    access_routes: tuple[str, ...]
    languages: tuple[tuple[str, str], ...]  # (code, "staff" | "interpreter" | "written")
    schedule: tuple[tuple[int, str, str], ...]
    phones: tuple[tuple[str, str], ...]  # (number, "voice" | "text")
    free: bool
    minimum_age: int | None
    maximum_age: int | None
    gender: str
    assured_days_ago: int | None
    assurance_role: str
    assurance_method: str


@dataclass(frozen=True)
class Directory:
    source: str  # "uk-outcodes.csv" or "built-in list"
    districts: tuple[District, ...]  # every district the gazetteer needs
    neighbourhood: tuple[ServiceSpec, ...]
    background: tuple[ServiceSpec, ...]

    @property
    def services(self) -> Iterator[ServiceSpec]:
        yield from self.neighbourhood
        yield from self.background


# --------------------------------------------------------------------------- geometry


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), on the same sphere as the app's geo.distance_km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def offset(point: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """The point `km` from `point` on `bearing` (radians from north)."""
    lat, lon = map(math.radians, point)
    angle = km / EARTH_RADIUS_KM
    lat2 = math.asin(
        math.sin(lat) * math.cos(angle) + math.cos(lat) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat),
        math.cos(angle) - math.sin(lat) * math.sin(lat2),
    )
    return round(math.degrees(lat2), 6), round(math.degrees(lon2), 6)


def _with_jitter(districts: list[District]) -> list[District]:
    """Each district's jitter: 40% of the way to its nearest neighbour, at most 3 km, so a
    service stays in its own district: tight in a city centre, looser in the country."""
    cells: dict[tuple[int, int], list[District]] = {}
    for district in districts:
        cells.setdefault((int(district.latitude * 10), int(district.longitude * 10)), []).append(
            district
        )
    result = []
    for district in districts:
        point = (district.latitude, district.longitude)
        row, column = int(district.latitude * 10), int(district.longitude * 10)
        nearest = min(
            (
                distance_km(point, (other.latitude, other.longitude))
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                for other in cells.get((row + dr, column + dc), ())
                if other.outcode != district.outcode
            ),
            default=JITTER_CAP_KM / 0.4,
        )
        jitter = max(0.2, min(JITTER_CAP_KM, 0.4 * nearest))
        result.append(
            District(
                district.outcode,
                district.latitude,
                district.longitude,
                district.town,
                district.nation,
                jitter,
            )
        )
    return result


def _district(row: tuple) -> District:
    outcode, latitude, longitude, town, country = row
    return District(outcode, latitude, longitude, town, NATIONS[country.lower()])


def load_districts(path: Path = OUTCODES_CSV) -> tuple[str, list[District]]:
    """(source, districts): uk-outcodes.csv when present, else the built-in list.

    Districts outside the four nations (the Channel Islands, the Isle of Man) are left out.
    """
    if not path.exists():
        return "built-in list", _with_jitter([_district(row) for row in FALLBACK_DISTRICTS])
    districts = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            nation = NATIONS.get((row.get("country") or "").strip().lower())
            try:
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError):
                continue
            if nation and row.get("outcode"):
                districts.append(
                    District(
                        row["outcode"].strip().upper(),
                        latitude,
                        longitude,
                        (row.get("town") or row["outcode"]).strip(),
                        nation,
                    )
                )
    return path.name, _with_jitter(districts)


# --------------------------------------------------------------------------- generating


class _Generator:
    """Draws services from one random stream; ids come from the same stream."""

    def __init__(self, rng: random.Random, slug_prefix: str):
        self.rng = rng
        self.slug_prefix = slug_prefix
        self.count = 0

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def organization(self, district: District, community: str) -> OrganizationSpec:
        rng = self.rng
        adjective = COMMUNITIES[community][0]
        name = f"{district.town} {adjective} {rng.choice(ORGANIZATION_NOUNS)}"
        return OrganizationSpec(
            id=self.uuid(),
            name=name,
            description=(
                f"A charity in {district.town} run by and for the {adjective.lower()} "
                "community, working on mental health and wellbeing."
            ),
            website=f"https://{_slugify(name)}.example",
            ethnic_minority_led=rng.random() < 0.7,
            user_led=rng.random() < 0.3,
        )

    def service(
        self,
        organization: OrganizationSpec,
        district: District | None,
        point: tuple[float, float] | None,
        *,
        community: str,
        types: tuple[str, ...],
        schedule: str,
        languages: tuple[tuple[str, str], ...] | None = None,
    ) -> ServiceSpec:
        rng = self.rng
        self.count += 1
        national = district is None
        adjective = COMMUNITIES[community][0]
        place = district.town if district else "UK"
        name = f"{place} {adjective} {SERVICE_TYPES[types[0]][0]}"
        slug = f"{_slugify(name)}-{self.slug_prefix}{self.count}"

        needs = list(dict.fromkeys(need for code in types for need in TYPE_NEEDS[code][:2]))
        if rng.random() < 0.3:
            needs.append(rng.choice(list(NEED_PHRASES)))
        needs = tuple(dict.fromkeys(needs))[:4]
        communities = (community,) if rng.random() < 0.7 else (community, "everyone")
        if community == "everyone":
            communities = ("everyone",)
        if languages is None:
            languages = self.languages(community)
        access = self.access_routes(types, national)

        described = ", ".join(SERVICE_TYPES[code][1] for code in types)
        helps = " and ".join(NEED_PHRASES[need] for need in needs[:2])
        spoken = ", ".join(code for code, how in languages if how == "staff")
        description = (
            f"{organization.name} offers {described} for the {adjective.lower()} community "
            f"{'across the UK' if national else 'in and around ' + place}: {helps}. "
            f"Staff speak {spoken or 'English'}."
            + (" You can refer yourself." if "self_referral" in access else "")
        )
        location = None
        if district is not None and point is not None:
            location = LocationSpec(
                id=self.uuid(),
                address_1=f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
                town=district.town,
                postcode=f"{district.outcode} {rng.randint(1, 9)}{_incode_letters(rng)}",
                nation=district.nation,
                latitude=point[0],
                longitude=point[1],
            )
        youth = "youth_service" in types
        assured = rng.random() < 0.7
        return ServiceSpec(
            id=self.uuid(),
            organization=organization,
            slug=slug,
            name=name,
            description=description,
            url=f"{organization.website}/{_slugify(SERVICE_TYPES[types[0]][0])}",
            national=national,
            location=location,
            service_types=types,
            needs=needs,
            communities=communities,
            access_routes=access,
            languages=languages,
            schedule=SCHEDULES[schedule],
            phones=self.phones(district),
            free=rng.random() < 0.9,
            minimum_age=11 if youth else (18 if rng.random() < 0.2 else None),
            maximum_age=25 if youth else None,
            gender="female" if rng.random() < 0.04 else "",
            assured_days_ago=rng.randint(1, 500) if assured else None,
            assurance_role=rng.choice(("moderator", "community_champion", "provider"))
            if assured
            else "",
            assurance_method=rng.choice(("phone", "visit", "email")) if assured else "",
        )

    def languages(self, community: str) -> tuple[tuple[str, str], ...]:
        rng = self.rng
        spoken = COMMUNITIES[community][1]
        chosen = [("en", "staff")]
        if spoken:
            for code in rng.sample(spoken, k=min(len(spoken), rng.choice((1, 1, 2)))):
                chosen.append((code, "staff" if rng.random() < 0.75 else "interpreter"))
        if rng.random() < 0.15:
            code = rng.choice(("ar", "pl", "so", "ur", "bn", "pa", "ro", "ti", "fa"))
            if all(code != existing for existing, _how in chosen):
                chosen.append((code, "interpreter"))
        if rng.random() < 0.1:
            chosen.append(("en", "written"))
        return tuple(chosen)

    def access_routes(self, types: tuple[str, ...], national: bool) -> tuple[str, ...]:
        rng = self.rng
        if national:
            routes = ["phone", "self_referral"] + (["online"] if rng.random() < 0.5 else [])
        elif set(types) & set(CRISIS_TYPES):
            routes = ["self_referral", "drop_in"] + (["phone"] if rng.random() < 0.5 else [])
        else:
            routes = rng.sample(ACCESS_ROUTES, k=rng.choice((1, 2, 2, 3)))
        return tuple(dict.fromkeys(routes))

    def phones(self, district: District | None) -> tuple[tuple[str, str], ...]:
        rng = self.rng
        if district is None:
            prefix = FREEPHONE_PREFIX
        else:
            area = "".join(itertools.takewhile(str.isalpha, district.outcode))
            area = "london" if area in LONDON_AREAS else area
            prefix = PHONE_PREFIXES.get(area, OTHER_PHONE_PREFIX)
        phones = [(f"{prefix}{rng.randint(0, 999):03d}", "voice")]
        if rng.random() < 0.2:
            phones.append((f"{MOBILE_PREFIX}{rng.randint(0, 999):03d}", "text"))
        return tuple(phones)


STREETS = (
    "High Street", "Station Road", "Church Street", "Victoria Road", "Park Lane", "King Street",
    "Queen's Road", "Mill Lane", "Market Place", "Green Lane", "School Road", "New Road",
)  # fmt: skip


def _incode_letters(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return rng.choice(letters) + rng.choice(letters)


def _slugify(text: str) -> str:
    """ "Crisis Café, Tipton" → "crisis-cafe-tipton"."""
    out = []
    for ch in unicodedata.normalize("NFKD", text.lower()):
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif not unicodedata.combining(ch) and out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _types(rng: random.Random, pool: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rng.sample(pool, k=rng.choice((1, 1, 2, 2, 3)))))


def _community(rng: random.Random) -> str:
    return rng.choice(list(COMMUNITIES))


def neighbourhood() -> tuple[ServiceSpec, ...]:
    """The services around WV1, the same in every size of directory.

    Wolverhampton's largest ethnic minority communities are Indian (many Punjabi-speaking
    Sikhs), Pakistani and African Caribbean, so those are drawn most often here. The local
    benchmark query asks for peer support or talking therapy, in Punjabi, open on a
    Wednesday at 19:00; services are built in a repeating pattern so that a known share
    answers it: 12 of the 36 inside the circle, the 4 in the box's corners (found by the box,
    dropped by the distance), and the 4 national lines.
    """
    rng = random.Random(f"{SEED}:neighbourhood")
    generate = _Generator(rng, "wv")
    districts = [_district(row) for row in NEIGHBOURHOOD_DISTRICTS]
    weights = {"indian": 6, "pakistani": 3, "african_caribbean": 3, "south_asian": 2}
    weights |= dict.fromkeys(("african", "somali", "eastern_european", "everyone"), 1)
    asked_types = ("peer_support", "talking_therapy")
    other_types = tuple(code for code in LOCAL_TYPES if code not in asked_types)
    placements = [
        (rng.uniform(0.3, 9.5), rng.uniform(0, 2 * math.pi)) for _ in range(NEIGHBOURHOOD_SERVICES)
    ]
    placements += [
        (rng.uniform(10.5, 13.5), math.pi / 4 + quarter * math.pi / 2)
        for quarter in range(NEIGHBOURHOOD_CORNER_SERVICES)
    ]
    services = []
    for position, (km, bearing) in enumerate(placements):
        corner = position >= NEIGHBOURHOOD_SERVICES
        point = offset(NEIGHBOURHOOD_CENTRE, km, bearing)
        district = min(districts, key=lambda d: distance_km(point, (d.latitude, d.longitude)))
        community = _weighted(rng, weights)
        if corner or position % 3 != 2:
            types = (rng.choice(asked_types), *_types(rng, other_types)[: rng.choice((0, 1))])
        else:
            types = _types(rng, other_types)
        languages = generate.languages(community)
        if (corner or position % 4 != 3) and all(code != "pa" for code, _how in languages):
            languages = (*languages, ("pa", rng.choice(("staff", "staff", "interpreter"))))
        if corner or position % 2 == 0:
            schedule = rng.choice(("evenings", "24/7"))
        else:
            schedule = rng.choice(("office", "office_and_late", "overnight", "weekends"))
        services.append(
            generate.service(
                generate.organization(district, community),
                district,
                point,
                community=community,
                types=types,
                schedule=schedule,
                languages=languages,
            )
        )
    for position in range(NEIGHBOURHOOD_NATIONAL_SERVICES):
        community = ("indian", "pakistani", "south_asian", "everyone")[position]
        services.append(
            generate.service(
                generate.organization(districts[0], community),
                None,
                None,
                community=community,
                types=(asked_types[position % 2], "helpline"),
                schedule=("24/7", "evenings")[position % 2],
                languages=(("en", "staff"), ("pa", ("interpreter", "staff")[position % 2])),
            )
        )
    return tuple(services)


def background(size: int, districts: list[District]) -> tuple[ServiceSpec, ...]:
    """`size` services over the districts, none within EXCLUSION_KM of the neighbourhood;
    about 2% of them national lines with no location."""
    rng = random.Random(f"{SEED}:background:{size}")
    generate = _Generator(rng, "s")
    eligible = [
        district
        for district in districts
        if distance_km(NEIGHBOURHOOD_CENTRE, (district.latitude, district.longitude))
        > EXCLUSION_KM + JITTER_CAP_KM
    ]
    services: list[ServiceSpec] = []
    while len(services) < size:
        community = _community(rng)
        # A national draw gives one service and a local one 1.67 on average: 3.3% of draws
        # makes about 2% of services national.
        if rng.random() < 0.033:
            organization = generate.organization(rng.choice(eligible), community)
            services.append(
                generate.service(
                    organization,
                    None,
                    None,
                    community=community,
                    types=_types(rng, BACKGROUND_NATIONAL_TYPES),
                    schedule=rng.choice(("24/7", "office", "evenings", "office_and_late")),
                )
            )
            continue
        district = rng.choice(eligible)
        organization = generate.organization(district, community)
        # An organisation runs one to three services in its district.
        for _ in range(min(rng.choice((1, 1, 1, 2, 2, 3)), size - len(services))):
            point = offset(
                (district.latitude, district.longitude),
                district.jitter_km * math.sqrt(rng.random()),
                rng.uniform(0, 2 * math.pi),
            )
            services.append(
                generate.service(
                    organization,
                    district,
                    point,
                    community=community,
                    types=_types(rng, LOCAL_TYPES),
                    schedule=_weighted(rng, SCHEDULE_WEIGHTS),
                )
            )
    return tuple(services)


def directory(size: int) -> Directory:
    """The directory of `size` services: the neighbourhood, and background to make up `size`."""
    source, districts = load_districts()
    fixed = neighbourhood()
    if size < len(fixed):
        raise ValueError(f"A directory needs at least {len(fixed)} services, not {size}.")
    gazetteer = {district.outcode: district for district in districts}
    for row in NEIGHBOURHOOD_DISTRICTS:
        gazetteer.setdefault(row[0], _district(row))
    return Directory(
        source=source,
        districts=tuple(gazetteer.values()),
        neighbourhood=fixed,
        background=background(size - len(fixed), districts),
    )
