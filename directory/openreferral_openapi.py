"""The OpenAPI 3.1 description of our Open Referral UK read API (`/openreferral/openapi.json`).

Written for our endpoints, in the shape of the HSDS 3.0 / ORUK OpenAPI files; the record
schemas are referenced at their published addresses rather than copied, since the HSDS
schemas are CC BY-SA and several megabytes each.
"""

HSDS_SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema"


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}  # fmt: skip


PAGE_PARAMETERS = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query(
        "per_page",
        "Results per page.",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
    ),
]
UUID = {"type": "string", "format": "uuid"}


def _page_of(item_schema: dict) -> dict:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": item_schema}},
    }


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors() -> dict:
    return {
        "400": _ok(
            "A parameter is not valid; `errors` has a message per parameter.",
            {"$ref": "#/components/schemas/Errors"},
        ),
    }


def _by_id(summary: str, schema: dict) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": UUID}],
            "responses": {"200": _ok(summary, schema), "404": {"description": "Not found."}},
        }
    }


def openapi_document(base_url: str) -> dict:
    """The description, with `base_url` (our /openreferral address) as its server."""
    service = {"$ref": f"{HSDS_SCHEMA_BASE}/compiled/service.json"}
    taxonomy = {"$ref": f"{HSDS_SCHEMA_BASE}/taxonomy.json"}
    term = {"$ref": f"{HSDS_SCHEMA_BASE}/taxonomy_term.json"}
    organization = {"$ref": f"{HSDS_SCHEMA_BASE}/organization.json"}
    service_filters = [
        _query("search", "Words that every result must match (prefixes match).",
               {"type": "string"}),
        _query("taxonomy_term_id", "Services with this taxonomy term.", UUID),
        _query("taxonomy_id", "Services with any term of this taxonomy.", UUID),
        _query("organization_id", "Services of this organization.", UUID),
        _query("modified_after", "Services modified at or after this date or date and time "
               "(ISO 8601; Europe/London when no offset is given).", {"type": "string"}),
        _query("postcode", "A UK postcode or district. Alone: leaves out services whose area "
               "does not cover it. With proximity: measures from its centre.",
               {"type": "string"}),
        _query("proximity", "Metres from the postcode; needs postcode. Results nearest first.",
               {"type": "number", "minimum": 0, "maximum": 1000000}),
        _query("minimum_age", "Services whose minimum age is at least this.",
               {"type": "number", "minimum": 0}),
        _query("maximum_age", "Services whose maximum age is at most this.",
               {"type": "number", "minimum": 0}),
    ]  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Navigator Open Referral UK API",
            "version": "3.0",
            "summary": "Mental health services for ethnic minority communities in the UK, as "
            "HSDS 3.0 / Open Referral UK.",
            "description": "Read-only, open to every origin, no key. Filters combine with AND. "
            "Only active services are published; confidential locations have no address "
            "lines and coordinates rounded to two decimals. Our vocabularies are published "
            "as HSDS taxonomies (see /taxonomies).",
            "license": {
                "name": "HSDS: Creative Commons Attribution-ShareAlike 4.0",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            },
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": base_url}],
        "paths": {
            "/": {
                "get": {
                    "summary": "This API and its relationship with HSDS.",
                    "responses": {"200": _ok("version, profile and openapi_url.",
                                             {"$ref": "#/components/schemas/Meta"})},
                }
            },
            "/services": {
                "get": {
                    "summary": "A page of fully nested services.",
                    "parameters": service_filters + PAGE_PARAMETERS,
                    "responses": {"200": _ok("A page of services.", _page_of(service)),
                                  **_errors()},
                }
            },
            "/services/{id}": _by_id("A fully nested service.", service),
            "/taxonomies": {
                "get": {
                    "summary": "A page of taxonomies.",
                    "parameters": PAGE_PARAMETERS,
                    "responses": {"200": _ok("A page of taxonomies.", _page_of(taxonomy)),
                                  **_errors()},
                }
            },
            "/taxonomies/{id}": _by_id("A taxonomy.", taxonomy),
            "/taxonomy_terms": {
                "get": {
                    "summary": "A page of taxonomy terms.",
                    "parameters": [_query("taxonomy_id", "Terms of this taxonomy.", UUID),
                                   *PAGE_PARAMETERS],
                    "responses": {"200": _ok("A page of terms.", _page_of(term)), **_errors()},
                }
            },
            "/taxonomy_terms/{id}": _by_id("A taxonomy term.", term),
            "/organizations": {
                "get": {
                    "summary": "A page of organizations that have a published service.",
                    "parameters": PAGE_PARAMETERS,
                    "responses": {"200": _ok("A page of organizations.",
                                             _page_of(organization)), **_errors()},
                }
            },
            "/organizations/{id}": _by_id("An organization.", organization),
        },
        "components": {
            "schemas": {
                "Meta": {
                    "type": "object",
                    "properties": {
                        "version": {"type": "string"},
                        "profile": {"type": "string", "format": "uri"},
                        "openapi_url": {"type": "string", "format": "uri"},
                    },
                },
                "Page": {
                    "type": "object",
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {"type": "integer"},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean"},
                    },
                },
                "Errors": {
                    "type": "object",
                    "properties": {
                        "detail": {"type": "string"},
                        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
            }
        },
    }  # fmt: skip
