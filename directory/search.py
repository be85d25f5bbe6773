"""Ranked full-text search over services: SQLite FTS5 or PostgreSQL full-text search.

One module owns both, so callers never see the database's dialect:

- `matching_service_ids(text)` narrows a Service queryset (`id__in`);
- `ranked_service_ids(text, among=…)` orders matches by relevance, a page at a time;
- `update_search_documents(ids)` keeps the indexed words in step with edits (signals in
  `directory/signals.py` call it; `deferred()` batches it for bulk loads).

The words of a service are its and its organisation's names (weighted higher), description,
vocabulary labels, language names in English and in their own script, and towns. Matching
is by word prefix ("pun" finds Punjabi), every word must match, case and accents ignored.
"""

import contextvars
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import Service, ServiceSearchDocument

MAX_TOKENS = 12
MAX_TOKEN_LENGTH = 40
# Word boundaries are spaces, punctuation, symbols and control characters; letters, combining
# marks and digits are kept, so Bengali and Urdu words survive with their vowel signs.
_BOUNDARY_CATEGORIES = ("Z", "P", "S", "C")

# The PostgreSQL expression must match the index made in migration 0005 exactly.
_PG_VECTOR = (
    "(setweight(to_tsvector('simple', d.title), 'A') || "
    "setweight(to_tsvector('simple', d.body), 'B'))"
)
# Title matches count ten times a body match.
_SQLITE_RANK = "-bm25(directory_service_fts, 10.0, 1.0)"


class _FoldedLetters(dict):
    """Each character's folded form by code point, for `str.translate`, worked out once."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        decomposed = unicodedata.normalize("NFKD", char)
        folded = decomposed[0] if decomposed[0].isascii() and decomposed[0].isalpha() else char
        self[codepoint] = folded
        return folded


_FOLDED = _FoldedLetters()


def fold(text: str) -> str:
    """Case-fold and take accents off Latin letters ("Café" → "cafe", "Română" → "romana").

    Done in Python for both databases alike (PostgreSQL's `simple` configuration keeps
    accents). Only letters that decompose to a plain ASCII letter change, so the vowel signs
    of Bengali, Gurmukhi or Tamil are left alone.
    """
    if text.isascii():
        # Most text is plain ASCII, for which this is exactly the rule below, far faster.
        return text.lower()
    # Character by character, but through a table each character is worked out for once:
    # the largest cost of an import was normalising every letter of every description.
    return unicodedata.normalize("NFC", text.casefold().translate(_FOLDED))


def tokens(text: str) -> list[str]:
    """The search words in `text`, folded, at most MAX_TOKENS of them."""
    words, current = [], []
    for char in fold(text):
        if unicodedata.category(char)[0] in _BOUNDARY_CATEGORIES:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    unique = dict.fromkeys(word[:MAX_TOKEN_LENGTH] for word in words)
    return list(unique)[:MAX_TOKENS]


def _match_expression(words: list[str]) -> str:
    if connection.vendor == "postgresql":
        return " & ".join(f"{word}:*" for word in words)
    return " ".join(f'"{word}"*' for word in words)


def _match_sql(words: list[str]) -> tuple[str, str, str, list[str]]:
    """(FROM clause with alias d for the documents, WHERE clause, rank expression, params)."""
    expression = _match_expression(words)
    if connection.vendor == "postgresql":
        return (
            "FROM directory_servicesearchdocument d",
            f"WHERE {_PG_VECTOR} @@ to_tsquery('simple', %s)",
            f"ts_rank({_PG_VECTOR}, to_tsquery('simple', %s))",
            [expression],
        )
    return (
        "FROM directory_service_fts "
        "JOIN directory_servicesearchdocument d ON d.id = directory_service_fts.rowid",
        "WHERE directory_service_fts MATCH %s",
        _SQLITE_RANK,
        [expression],
    )


def matching_service_ids(text: str) -> RawSQL:
    """A subquery of the ids of services whose words match every word of `text`.

    Use as `Service.objects.filter(id__in=matching_service_ids(text))`. Text with no words
    in it matches nothing.
    """
    words = tokens(text)
    if not words:
        return RawSQL("SELECT d.service_id FROM directory_servicesearchdocument d WHERE 1 = 0", [])
    from_sql, where_sql, _rank, params = _match_sql(words)
    return RawSQL(f"SELECT d.service_id {from_sql} {where_sql}", params)


def ranked_service_ids(
    text: str, *, among: QuerySet[Service], limit: int | None = None, offset: int = 0
) -> list[tuple[UUID, float]]:
    """Ids of the services in `among` that match `text`, best first, with their scores.

    Ties are broken by service name, then id, so the order is stable. `limit`/`offset` page
    through the matches in the database, so a national search never loads every match.
    """
    words = tokens(text)
    if not words:
        return []
    from_sql, where_sql, rank, params = _match_sql(words)
    among_sql, among_params = among.values("id").query.sql_with_params()
    # PostgreSQL repeats the query in the rank expression; FTS5's bm25 needs no parameter.
    rank_params = params if connection.vendor == "postgresql" else []
    sql = (
        f"SELECT d.service_id, {rank} AS text_rank {from_sql} "
        "JOIN directory_service s ON s.id = d.service_id "
        f"{where_sql} AND d.service_id IN ({among_sql}) "
        "ORDER BY text_rank DESC, s.name, s.id"
    )
    query_params = [*rank_params, *params, *among_params]
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        query_params += [limit, offset]
    id_field = Service._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, query_params)
        return [
            (id_field.to_python(service_id), float(score))
            for service_id, score in cursor.fetchall()
        ]


def document_for(service: Service) -> tuple[str, str]:
    """(title, body) for a service whose related rows are loaded or loadable."""
    title = f"{service.name} {service.organization.name}"
    body_parts = [service.description, service.organization.description]
    for field in ("service_types", "needs", "communities", "access_routes"):
        for term in getattr(service, field).all():
            body_parts.append(term.name)
            body_parts.append(term.code.replace("_", " "))
            if term.parent_id:
                body_parts.append(term.parent.name)
    for service_language in service.languages.all():
        body_parts += [service_language.language.name, service_language.language.native_name]
    for sal in service.service_at_locations.all():
        body_parts += [sal.location.town, sal.location.outcode]
    return title, " ".join(part for part in body_parts if part)


def update_search_documents(service_ids: Iterable[UUID], *, batch_size: int = 500) -> None:
    """Rebuild the indexed words of these services (inside a `deferred()` block: at its end)."""
    ids = list(dict.fromkeys(service_ids))
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
        return
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        services = Service.objects.filter(id__in=batch).select_related("organization")
        services = services.prefetch_related(
            "service_types__parent",
            "needs",
            "communities__parent",
            "access_routes",
            "languages__language",
            "service_at_locations__location",
        )
        documents = []
        for service in services:
            title, body = document_for(service)
            documents.append(
                ServiceSearchDocument(service=service, title=fold(title), body=fold(body))
            )
        ServiceSearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["service"],
            update_fields=["title", "body"],
        )


def rebuild_all(*, batch_size: int = 500) -> int:
    """Rebuild every service's document; returns how many."""
    ids = list(Service.objects.values_list("id", flat=True))
    update_search_documents(ids, batch_size=batch_size)
    return len(ids)


_pending: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "search_pending", default=None
)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect document updates and do them once, in batches, when the block ends.

    For bulk loads (the demo, imports), where one update per saved row would be slow.
    """
    if _pending.get() is not None:
        yield
        return
    pending: set = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    update_search_documents(pending)
