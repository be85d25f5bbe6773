"""schema.org JSON-LD for a service page, so search engines and assistants read it right.

Confidential locations are left out entirely: structured data is made to be copied.
"""

from . import vocabulary
from .models import Service

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def service_json_ld(service: Service, request) -> dict:
    url = request.build_absolute_uri(request.path)
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "@id": url,
        "url": url,
        "name": service.name,
        "description": service.description,
        # In the page's language, like the page; schema.org's own words (days) stay English.
        "serviceType": [vocabulary.term_label(term) for term in service.service_types.all()],
        "availableLanguage": sorted({sl.language.name for sl in service.languages.all()}),
        "isAccessibleForFree": service.free,
        "provider": {
            "@type": "Organization",
            "name": service.organization.name,
            **({"url": service.organization.website} if service.organization.website else {}),
        },
    }
    phones = [phone.number for phone in service.phones.all() if phone.type == "voice"]
    if phones or service.url:
        channel = {"@type": "ServiceChannel"}
        if phones:
            channel["servicePhone"] = {"@type": "ContactPoint", "telephone": phones[0]}
        if service.url:
            channel["serviceUrl"] = service.url
        data["availableChannel"] = channel
    places = []
    for sal in service.service_at_locations.all():
        location = sal.location
        if location.confidential:
            continue
        places.append(
            {
                "@type": "Place",
                "name": location.name or location.town,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": ", ".join(
                        p for p in (location.address_1, location.address_2) if p
                    ),
                    "addressLocality": location.town,
                    "postalCode": location.postcode,
                    "addressCountry": "GB",
                },
                "geo": {
                    "@type": "GeoCoordinates",
                    "latitude": location.latitude,
                    "longitude": location.longitude,
                },
            }
        )
    if places:
        data["areaServed"] = places
    elif service.national:
        data["areaServed"] = {"@type": "Country", "name": "United Kingdom"}
    schedules = list(service.schedules.all())
    if schedules:
        data["hoursAvailable"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[schedule.weekday]}",
                "opens": schedule.opens_at.strftime("%H:%M"),
                "closes": schedule.closes_at.strftime("%H:%M"),
            }
            for schedule in schedules
        ]
    return data
