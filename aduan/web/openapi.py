"""Parts of the OpenAPI document that other doors add to the API's own (Open311, ...).

The API builds its document from its own routes; a door that is not part of it (it may
not import the api app, nor the api app it) registers a function here at start-up that
returns its path items, and the API merges them in. So one document describes every
machine interface of the site.
"""

from collections.abc import Callable

_parts: list[Callable[[], dict]] = []


def openapi_part_register(part: Callable[[], dict]) -> None:
    """Add ``part`` (returning ``{"paths": {...}, "components": {"schemas": {...}}, "tags":
    [...]}``) to the OpenAPI document."""
    if part not in _parts:
        _parts.append(part)


def openapi_parts_merge(schema: dict) -> dict:
    """``schema`` with every registered part's paths, schemas and tags added."""
    for part in _parts:
        extra = part()
        schema.setdefault("paths", {}).update(extra.get("paths", {}))
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(extra.get("components", {}).get("schemas", {}))
        schema.setdefault("tags", []).extend(extra.get("tags", []))
    return schema
