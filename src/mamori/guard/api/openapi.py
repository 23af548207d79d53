"""The agent API described as OpenAPI 3.1 (served at /api/openapi.json, kept in docs/guard-api.openapi.json).

Regenerate the docs copy after a change: ``python -m mamori.guard.api.openapi > docs/guard-api.openapi.json``
(a test checks that the two are equal and that the document is valid OpenAPI).
"""

from __future__ import annotations

import json
from typing import Any

from mamori.detect.categories import CATEGORY_IDS
from mamori.guard.api.signing import SIGNATURE_HEADER
from mamori.models import Status

DEVICE_EVENT_KINDS = ("allowed", "blocked", "inserted", "removed", "write_refused", "written")
_JSON = "application/json"
_HEX64 = "^[0-9a-f]{64}$"
_USB_ID = "^(0[xX])?[0-9a-fA-F]{4}$"

ERRORS: dict[str, tuple[str, str]] = {
    "BadRequest": ("400", "The request lacks something required (e.g. the Idempotency-Key header)."),
    "Unauthenticated": ("401", "No bearer token, or not in the form 'Authorization: Bearer <token>'."),
    "Forbidden": ("403", "The token is unknown or revoked, or the report signature does not verify."),
    "NotFound": ("404", "No such grant for this endpoint's department, or no such API path."),
    "MethodNotAllowed": ("405", "The path does not accept this method (see the Allow header)."),
    "Conflict": ("409", "The grant was already used, has expired, or its request is no longer approved."),
    "TooLarge": ("413", "The request body is too large."),
    "Unprocessable": ("422", "The body is not a valid JSON object for this operation, or an Idempotency-Key "
                             "was reused with a different body."),
}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _errors(*names: str) -> dict[str, Any]:
    return {ERRORS[name][0]: _ref("responses", name) for name in ("Unauthenticated", "Forbidden", *names)}


def _schemas() -> dict[str, Any]:
    string = {"type": "string"}
    medium = {"type": "object", "required": ["vendor_id", "product_id", "serial"], "properties": {
        "vendor_id": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
        "product_id": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
        "serial": {"type": "string", "maxLength": 128}}}
    grant_file = {"type": "object", "required": ["name", "sha256", "size"], "properties": {
        "name": string, "sha256": {"type": "string", "pattern": _HEX64}, "size": {"type": "integer", "minimum": 0}}}
    grant = {"type": "object", "required": ["grant_id", "request_id", "requester", "medium", "files", "purpose",
                                            "recipient", "issued_at", "expires_at", "nonce"], "properties": {
        "grant_id": {"type": "string", "format": "uuid"}, "request_id": {"type": "integer"},
        "requester": string, "medium": _ref("schemas", "MediumIdentity"),
        "files": {"type": "array", "items": _ref("schemas", "GrantFile")}, "purpose": string,
        "recipient": string, "issued_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"}, "nonce": string}}
    envelope = {"type": "object", "required": ["format", "grant", "signature", "key"], "properties": {
        "format": {"const": "mamori-grant/1"}, "grant": _ref("schemas", "Grant"),
        "signature": {"type": "string", "contentEncoding": "base64",
                      "description": "Ed25519 over the canonical JSON (sorted keys, compact, UTF-8) of `grant`."},
        "key": {"type": "string", "description": "The signing key's name+id+key line (informative: verify "
                                                 "with the key pinned from /api/grant-key)."}}}
    report = {"type": "object", "required": ["medium", "files"],
              "description": "What the agent wrote: the medium it read and every file's hash, checked against the "
                             "grant (a report without them is refused).",
              "properties": {
                  "medium": _ref("schemas", "MediumIdentity"),
                  "files": {"type": "array", "items": {"type": "object", "required": ["sha256", "size"],
                                                       "properties": {"sha256": string, "size": {"type": "integer"},
                                                                      "name": string}}},
                  "result": {"type": "string", "maxLength": 100}, "executed_at": {"type": "string"}}}
    receipt = {"type": "object", "required": ["format", "index", "record", "inclusion_proof", "checkpoint"],
               "description": "Verifiable offline with `mamori audit verify-receipt`.", "properties": {
                   "format": {"const": "mamori-audit-receipt/1"}, "index": {"type": "integer", "minimum": 0},
                   "record": {"type": "object"}, "checkpoint": string,
                   "inclusion_proof": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}}
    executed = {"type": "object", "required": ["grant_id", "request_id", "status", "audit_index", "receipt"],
                "properties": {"grant_id": {"type": "string", "format": "uuid"}, "request_id": {"type": "integer"},
                               "status": {"const": "executed"}, "audit_index": {"type": "integer"},
                               "receipt": _ref("schemas", "Receipt")}}
    device_event = {"type": "object", "required": ["kind"], "properties": {
        "kind": {"enum": list(DEVICE_EVENT_KINDS)},
        "vendor_id": {"type": "string", "pattern": _USB_ID}, "product_id": {"type": "string", "pattern": _USB_ID},
        "serial": {"type": "string", "maxLength": 128}, "username": {"type": "string", "maxLength": 150},
        "occurred_at": {"type": "string", "format": "date-time", "description": "With a time zone."},
        "details": {"type": "object", "description": "At most 8 KiB as JSON."}}}
    policy_medium = {"type": "object", "required": ["medium_id", "vendor_id", "product_id", "serial", "interfaces",
                                                    "state", "allowed", "label"], "properties": {
        "medium_id": {"type": "integer", "minimum": 0},
        "vendor_id": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
        "product_id": {"type": "string", "pattern": "^[0-9a-f]{4}$"},
        "serial": {"type": "string", "minLength": 1, "maxLength": 128},
        "interfaces": {"type": "array", "minItems": 1, "maxItems": 16,
                       "items": {"type": "string", "description": "USB interface type cc:ss:pp, cc:ss:* or cc:*:*"}},
        "state": {"type": "string"}, "allowed": {"type": "boolean",
                                                 "description": "false for lost or retired media: blocked."},
        "label": {"type": "string", "maxLength": 200}}}
    policy = {"type": "object", "required": ["version", "issued_at", "media"], "properties": {
        "version": {"type": "integer", "minimum": 0,
                    "description": "Grows on every change of the register; agents refuse a lower one."},
        "issued_at": {"type": "string", "format": "date-time"},
        "media": {"type": "array", "items": _ref("schemas", "PolicyMedium")}}}
    policy_envelope = {"type": "object", "required": ["format", "policy", "signature", "key"], "properties": {
        "format": {"const": "mamori-media-policy/1"}, "policy": _ref("schemas", "MediaPolicy"),
        "signature": {"type": "string", "contentEncoding": "base64",
                      "description": "Ed25519, by the grant-signing key, over the canonical JSON (sorted keys, "
                                     "compact, UTF-8) of {\"format\": \"mamori-media-policy/1\", \"policy\": "
                                     "<policy>}."},
        "key": {"type": "string", "description": "The signing key's line (informative: verify with the pinned "
                                                 "key)."}}}
    error = {"type": "object", "required": ["error", "message"], "properties": {
        "error": {"enum": ["unauthenticated", "forbidden", "not_found", "method_not_allowed", "conflict",
                           "too_large", "unprocessable", "idempotency_key_required"]},
        "message": {"type": "string", "description": "What happened, for people."}}}
    return {
        "MediumIdentity": medium, "GrantFile": grant_file, "Grant": grant, "GrantEnvelope": envelope,
        "GrantList": {"type": "object", "required": ["grants"], "properties": {
            "grants": {"type": "array", "maxItems": 500, "items": _ref("schemas", "GrantEnvelope")}}},
        "GrantKey": {"type": "object", "required": ["key"], "properties": {"key": string}},
        "ExecutedReport": report, "Receipt": receipt, "ExecutedAnswer": executed, "DeviceEvent": device_event,
        "DeviceEventCreated": {"type": "object", "required": ["id", "kind"], "properties": {
            "id": {"type": "integer"}, "kind": {"enum": list(DEVICE_EVENT_KINDS)}}},
        "PolicyMedium": policy_medium, "MediaPolicy": policy, "MediaPolicyEnvelope": policy_envelope,
        "Error": error,
        "Enrolment": {"type": "object", "required": ["public_key"], "properties": {
            "public_key": {"type": "string", "maxLength": 200, "description": "The agent's Ed25519 verifier line."},
            "hostname": {"type": "string", "maxLength": 255}}},
        "Enrolled": {"type": "object", "required": ["endpoint", "token", "grant_key", "grant_key_fingerprint",
                                                    "audit_key"], "properties": {
            "endpoint": string, "token": {"type": "string", "description": "The agent's own bearer token from now "
                                                                          "on; the enrolment token stops working."},
            "grant_key": {"type": "string", "description": "Pin it: grants must verify with this key."},
            "grant_key_fingerprint": string,
            "audit_key": {"type": "string", "description": "Verifies the receipts of the audit log."}}},
        "EndpointStatus": {"type": "object", "required": ["queued"], "properties": {
            "queued": {"type": "integer", "minimum": 0}, "policy_version": {"type": ["integer", "null"], "minimum": 0},
            "agent_version": {"type": "string", "maxLength": 40}}},
        "ScanBatch": scan_batch(),
        "ScanBatchAnswer": {"type": "object", "required": ["batch", "items", "replayed"], "properties": {
            "batch": string, "items": {"type": "integer"}, "replayed": {"type": "boolean"},
            "removed": {"type": "integer", "description": "Files this scanner had pushed before but the complete "
                                                          "scan no longer found."}}},
        "EndpointStatusAnswer": {"type": "object", "required": ["endpoint", "queued"], "properties": {
            "endpoint": string, "queued": {"type": "integer"}, "policy_version": {"type": ["integer", "null"]}}},
    }


def scan_batch() -> dict[str, Any]:
    """A batch of ``mamori find --push``: the JSONL contract's facts of each file, never a value."""
    item = {"type": "object", "required": ["path", "status"], "properties": {
        "path": {"type": "string", "minLength": 1, "maxLength": 1000}, "status": {"enum": [s.value for s in Status]},
        "pii": {"type": ["boolean", "null"]}, "categories": {"type": "array", "items": {"enum": list(CATEGORY_IDS)}},
        "persons": {"type": "integer", "minimum": 0}, "special_care": {"type": "boolean"},
        "size": {"type": "integer", "minimum": 0}, "mtime": {"type": "string", "maxLength": 40},
        "owner": {"type": "string", "maxLength": 200}}}
    return {"type": "object", "required": ["batch", "items"], "properties": {
        "batch": {"type": "string", "minLength": 1, "maxLength": 80,
                  "description": "Unique per scanner: the same batch again is answered as the first time."},
        "run": {"type": "string", "maxLength": 80, "description": "One scan's id, shared by its batches."},
        "final": {"type": "boolean", "description": "The scan's last batch: files not met in this run are "
                                                    "dropped from the register's view."},
        "items": {"type": "array", "maxItems": 5000, "items": item}}}


def _parameters() -> dict[str, Any]:
    key = {"type": "string", "minLength": 1, "maxLength": 128}
    described = ("Retries with the same key and body get the first answer again; the same key with another "
                 "body is refused (422).")
    return {
        "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": True, "schema": key,
                           "description": described},
        "Signature": {"name": SIGNATURE_HEADER, "in": "header", "required": False, "schema": {"type": "string"},
                      "description": "base64 Ed25519 signature, by the key registered with the endpoint, over the "
                                     "canonical JSON (sorted keys, compact, UTF-8) of {\"path\": <request path>, "
                                     "\"body\": <the JSON body>}. Required when the endpoint has a key."},
        "GrantId": {"name": "grant_id", "in": "path", "required": True,
                    "schema": {"type": "string", "maxLength": 64}, "description": "The grant's UUID."},
    }


def _paths() -> dict[str, Any]:
    body = {"required": True, "content": {_JSON: {"schema": _ref("schemas", "ExecutedReport")}}}
    return {
        "/api/grants": {"get": {
            "operationId": "listGrants", "summary": "Unused, unexpired grants of this endpoint's department.",
            "responses": {"200": _json(_ref("schemas", "GrantList"), "Signed grant envelopes."),
                          **_errors("MethodNotAllowed")}}},
        "/api/grant-key": {"get": {
            "operationId": "grantKey", "summary": "The public key that verifies grants (pin it at enrolment).",
            "responses": {"200": _json(_ref("schemas", "GrantKey"), "The key line."),
                          **_errors("MethodNotAllowed")}}},
        "/api/media-policy": {"get": {
            "operationId": "mediaPolicy",
            "summary": "The signed, versioned media policy (USB media this endpoint allows; everything else blocked).",
            "responses": {"200": _json(_ref("schemas", "MediaPolicyEnvelope"), "The signed policy."),
                          **_errors("MethodNotAllowed")}}},
        "/api/exports/{grant_id}/executed": {"post": {
            "operationId": "reportExecuted",
            "summary": "Report that a grant's export was written (once per grant).",
            "parameters": [_ref("parameters", "GrantId"), _ref("parameters", "IdempotencyKey"),
                           _ref("parameters", "Signature")],
            "requestBody": body,
            "responses": {"200": _json(_ref("schemas", "ExecutedAnswer"), "Recorded; the export's audit receipt."),
                          **_errors("BadRequest", "NotFound", "MethodNotAllowed", "Conflict", "TooLarge",
                                    "Unprocessable")}}},
        "/api/device-events": {"post": {
            "operationId": "reportDeviceEvent", "summary": "Report a device event (medium inserted, blocked, ...).",
            "parameters": [_ref("parameters", "IdempotencyKey"), _ref("parameters", "Signature")],
            "requestBody": {"required": True, "content": {_JSON: {"schema": _ref("schemas", "DeviceEvent")}}},
            "responses": {"201": _json(_ref("schemas", "DeviceEventCreated"), "Stored and audited."),
                          **_errors("BadRequest", "MethodNotAllowed", "TooLarge", "Unprocessable")}}},
        "/api/enrol": {"post": {
            "operationId": "enrol",
            "summary": "Register the agent's public key with the one-time token of `mamori guard endpoint`.",
            "requestBody": {"required": True, "content": {_JSON: {"schema": _ref("schemas", "Enrolment")}}},
            "responses": {"201": _json(_ref("schemas", "Enrolled"), "Enrolled; what the agent pins."),
                          **_errors("MethodNotAllowed", "Conflict", "TooLarge", "Unprocessable")}}},
        "/api/endpoint-status": {"post": {
            "operationId": "reportStatus",
            "summary": "The agent's queue length and the device-policy version it applied.",
            "parameters": [_ref("parameters", "Signature")],
            "requestBody": {"required": True, "content": {_JSON: {"schema": _ref("schemas", "EndpointStatus")}}},
            "responses": {"200": _json(_ref("schemas", "EndpointStatusAnswer"), "Stored."),
                          **_errors("MethodNotAllowed", "TooLarge", "Unprocessable")}}},
        "/api/register/scans": {"post": {
            "operationId": "pushScan",
            "summary": "One batch of per-file scan results for the register (`mamori find --push`; scanner token).",
            "requestBody": {"required": True, "content": {_JSON: {"schema": _ref("schemas", "ScanBatch")}}},
            "responses": {"201": _json(_ref("schemas", "ScanBatchAnswer"), "Stored and audited."),
                          "200": _json(_ref("schemas", "ScanBatchAnswer"), "This batch was already stored."),
                          **_errors("MethodNotAllowed", "Conflict", "TooLarge", "Unprocessable")}}},
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document.", "security": [],
            "responses": {"200": {"description": "The OpenAPI document.", "content": {_JSON: {}}}}}},
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the agent API."""
    responses = {name: _json(_ref("schemas", "Error"), text) for name, (_, text) in ERRORS.items()}
    responses["Unauthenticated"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    responses["MethodNotAllowed"]["headers"] = {"Allow": {"schema": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "mamori guard agent API", "version": "1",
                 "description": "What the endpoint agent uses: enrol, fetch signed grants, report executed exports, "
                                "device events and its status. Every answer is JSON; errors are {error, message}."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "The endpoint's token (`mamori guard endpoint`), shown once; 'mep_' + 43 chars."}},
            "parameters": _parameters(), "schemas": _schemas(), "responses": responses},
    }


def document_text() -> str:
    """The document as the JSON text that is served and kept in docs/."""
    return json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(document_text())
