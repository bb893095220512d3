"""The error answers every API operation can give, written into the OpenAPI document.

The API's exception handlers (config/api.py) answer the same way for every operation: 401 without
credentials, 404 for a record the caller may not see or that does not exist (and to a role without
access to the operation's area at all: "not yours" is never a 403), 422 for input that
fails validation, 409 for a stale version, 403 for a change the caller's role may not make on a
record it may see. An operation's own `response=` lists only its successes and the errors special
to it; this adds the common ones from what the operation takes, so that a client (and the
schemathesis fuzz, tests/test_api_fuzz.py) knows every status it can get.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = "#/components/schemas/ErrorOut"
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "errors": {
            "anyOf": [
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {}},
                {"type": "null"},
            ],
            "title": "Errors",
        },
    },
    "required": ["detail"],
}
DESCRIPTIONS = {
    401: "Authentication required",
    403: "Your role may not make this change",
    404: "Not found, or not yours to see",
    409: "Stale version: the record changed since you read it",
    422: "Invalid input",
    429: "Too many look-ups in a short time: wait a minute",
}
# Look-ups by a key (aksalarasa/core/lookups.py `enforce_limit`): past their rate they answer 429.
RATE_LIMITED = {
    ("get", "/api/v1/clients"),
    ("get", "/api/v1/litmas/{litmas_id}/document"),
    ("post", "/api/v1/events/{event_id}/checkin"),
    ("get", "/api/v1/public/sentences/me/{token}"),
    ("post", "/api/v1/public/sentences/me/{token}/complaints"),
}
WRITES = {"post", "put", "patch", "delete"}
# Body properties naming a record by id (a missing or foreign one answers 404, like a path id).
ID_PROPERTIES = {"program", "event", "client", "instrument_version", "partner", "officer"}


def _names_a_record(node: Any, components: dict[str, Any], seen: set[str]) -> bool:
    """Whether a request body schema has a property that names a record by its id."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            seen.add(name)
            return _names_a_record(components.get(name, {}), components, seen)
        names = node.get("properties", {})
        if any(n.endswith(("_id", "_ids")) or n in ID_PROPERTIES for n in names):
            return True
        return any(_names_a_record(value, components, seen) for value in node.values())
    if isinstance(node, list):
        return any(_names_a_record(value, components, seen) for value in node)
    return False


def _mentions_version(node: Any, components: dict[str, Any], seen: set[str]) -> bool:
    """Whether a request body schema has a `version` property anywhere (nested rows included)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            seen.add(name)
            return _mentions_version(components.get(name, {}), components, seen)
        if "version" in node.get("properties", {}):
            return True
        return any(_mentions_version(value, components, seen) for value in node.values())
    if isinstance(node, list):
        return any(_mentions_version(value, components, seen) for value in node)
    return False


def document_error_answers(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ERROR_SCHEMA)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            body = operation.get("requestBody")
            codes = []
            if operation.get("security"):
                codes.append(401)
            if method in WRITES:
                codes.append(403)
            if (
                operation.get("security")  # a role without access to the area: 404, never 403
                or any(p.get("in") == "path" for p in parameters)
                or _names_a_record(body, components, set())
            ):
                codes.append(404)
            if any(p.get("name") == "version" for p in parameters) or (
                method in WRITES and _mentions_version(body, components, set())
            ):
                codes.append(409)
            if parameters or body:
                codes.append(422)
            if (method, path) in RATE_LIMITED:
                codes.append(429)
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses or str(code) in responses:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    },
                )
    return schema
