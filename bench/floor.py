"""The framework floor: the thinnest Django view that answers the local benchmark query.

Django's request handling and middleware, one SQLite connection, raw SQL, a JSON response:
no DRF, no FilterSet, no ORM, no serializer. It answers the same question as
`GET /api/v1/services/?postcode=…&radius_km=…&service_type=…&language=…&open_at=…` — the
services with a location within the radius (nearest first, then name) followed by the
national services (by name), that have any of the service types, offer any of the languages
through staff or an interpreter, and have service-wide hours open at `open_at` — and returns
the first page's ids and distances and the count. `bench/run.py` checks once per size that
the answer is the API's, id for id.

It does only what that query needs: a postcode district (an outcode) for the place, and a
moment that is not a bank holiday anywhere in the UK (Wednesday 2 December 2026), so the
bank-holiday rules of `directory.hours.open_at_q` have nothing to close.
"""

import math
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.http import JsonResponse

from directory.vocabulary import SERVICE_TYPE, term_id

LONDON = ZoneInfo("Europe/London")
EARTH_RADIUS_KM = 6371.009  # geopy's, as directory.geo uses
PAGE_SIZE = 20

# Every filter of the query, on a service row `s`: each an index probe for that one service
# (a correlated EXISTS), never a list of every service in the country with that property.
FILTERS = """
    s.status = 'active'
    AND EXISTS (
        SELECT 1 FROM directory_service_service_types t
        WHERE t.service_id = s.id AND t.taxonomyterm_id IN ({types}))
    AND EXISTS (
        SELECT 1 FROM directory_servicelanguage g
        WHERE g.service_id = s.id AND g.language_id IN ({languages})
        AND g.provision IN ('staff', 'interpreter'))
    AND EXISTS (
        SELECT 1 FROM directory_schedule h WHERE h.service_id = s.id AND (
            (h.weekday = %s AND h.opens_at <= %s
             AND (h.closes_at > %s OR h.closes_at >= '23:59:00' OR h.closes_at < h.opens_at))
            OR (h.weekday = %s AND h.closes_at < h.opens_at
                AND h.closes_at > %s AND h.closes_at < '23:59:00')))
"""
# CROSS JOIN is SQLite's way to fix the join order: from the addresses in the box (the
# latitude/longitude index) to their services, so the work follows what is nearby.
LOCAL_SQL = """
    SELECT s.id, s.name, l.latitude, l.longitude
    FROM directory_location l
    CROSS JOIN directory_serviceatlocation sal ON sal.location_id = l.id
    CROSS JOIN directory_service s ON s.id = sal.service_id
    WHERE l.latitude BETWEEN %s AND %s AND l.longitude BETWEEN %s AND %s
    AND s.national = 0 AND {filters}
"""
# `s.national` as a bare truth value, as Django writes it: SQLite matches that to the partial
# index of national services (`s.national = 1` it does not, and reads every service).
NATIONAL_SQL = """
    SELECT s.id FROM directory_service s
    WHERE s.national AND {filters}
    ORDER BY s.name, s.id
"""


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _box(lat, lon, radius_km):
    """The same box as directory.geo.bounding_box, for a point far from the poles."""
    angle = radius_km / EARTH_RADIUS_KM + 1e-9
    half_width = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(lat))))
    return lat - math.degrees(angle), lat + math.degrees(angle), lon - half_width, lon + half_width


def local_search(request):
    query = request.GET
    outcode = "".join(query["postcode"].split()).upper()
    radius_km = float(query.get("radius_km", 10))
    types = [term_id(SERVICE_TYPE, code).hex for code in query["service_type"].split(",")]
    languages = query["language"].split(",")
    moment = datetime.fromisoformat(query["open_at"])
    moment = moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)
    clock = moment.strftime("%H:%M:%S")
    yesterday = (moment - timedelta(days=1)).weekday()
    filters = FILTERS.format(
        types=", ".join(["%s"] * len(types)), languages=", ".join(["%s"] * len(languages))
    )
    filter_params = [*types, *languages, moment.weekday(), clock, clock, yesterday, clock]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT latitude, longitude FROM directory_place WHERE kind = 'outcode' AND key = %s",
            [outcode],
        )
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"postcode": ["Unknown postcode district."]}, status=400)
        lat, lon = row
        cursor.execute(
            LOCAL_SQL.format(filters=filters), [*_box(lat, lon, radius_km), *filter_params]
        )
        nearest = {}
        for service_id, name, latitude, longitude in cursor.fetchall():
            distance = _distance_km(lat, lon, latitude, longitude)
            if distance <= radius_km and distance < nearest.get(service_id, (math.inf,))[0]:
                nearest[service_id] = (distance, name, str(uuid.UUID(service_id)))
        cursor.execute(NATIONAL_SQL.format(filters=filters), filter_params)
        national = [str(uuid.UUID(service_id)) for (service_id,) in cursor.fetchall()]

    local = sorted(nearest.values())
    results = [{"id": sid, "distance_km": round(km, 1)} for km, _name, sid in local[:PAGE_SIZE]]
    results += [{"id": sid, "distance_km": None} for sid in national[: PAGE_SIZE - len(results)]]
    return JsonResponse({"count": len(local) + len(national), "results": results})
