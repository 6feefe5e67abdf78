"""The API schema documents the refusals too, not only the answers that succeed.

drf-spectacular describes each operation's success responses; the errors every Verbale endpoint
may answer with (a malformed payload, no sign-in, no permission, an unknown id, a stale edit, the
database unreachable) come from DRF and ``portal.api.exception_handler`` and are the same
everywhere, so one post-processing hook adds them to every operation instead of an annotation on
each view. A client generated from the schema then knows every status it may receive, and
Schemathesis (tests/hardening) checks each answer against it.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "description": "A refusal, in words a person can read.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Messages by question or field, when the refusal is about them.",
        },
        "current": {
            "type": "object",
            "additionalProperties": True,
            "description": "What is stored now, when an edit was refused as stale.",
        },
    },
    "required": ["detail"],
}
# DRF's validation errors: messages by field (nested for nested fields), or a list of messages.
INVALID = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ],
    "description": "Messages by field (or a list of messages): nothing was changed.",
}
WRITES = {"post", "put", "patch", "delete"}


def _error(description: str, schema_name: str = "Error") -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }


def document_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add the error responses to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", INVALID)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            has_body = "requestBody" in operation
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            errors = {
                "401": _error("Not signed in: no valid token or session."),
                "403": _error("Signed in, but this person may not do this."),
                "503": _error("The database could not be reached; nothing was saved."),
                "429": {
                    **_error("Too many requests: wait the seconds Retry-After says."),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                },
            }
            if has_body or has_query or method in WRITES:
                errors["400"] = _error("Malformed, or refused as it stands.", "ValidationError")
            if "{" in path:
                errors["404"] = _error("No such object, or not one this person may see.")
            if method in WRITES:
                errors["409"] = _error("Refused in the current state (stale edit, frozen).")
            if has_body:
                errors["415"] = _error("The request body is not in a media type accepted here.")
            for status, response in errors.items():
                responses.setdefault(status, response)
    return result
