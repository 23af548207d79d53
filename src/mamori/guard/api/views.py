"""The agent API (JSON): bearer token per endpoint; 401 without one, 403 with a wrong one."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from mamori.errors import InvalidTransition, MamoriError, PermissionDenied, WorkflowError
from mamori.guard.api import services
from mamori.guard.api.models import Endpoint
from mamori.guard.api.openapi import document_text
from mamori.guard.api.signing import SIGNATURE_HEADER, verify_report
from mamori.guard.auditlog.services import current_home
from mamori.guard.exports import redeem
from mamori.guard.exports.grants import grant_verifier
from mamori.guard.media.policy import signed_policy_for

ApiView = Callable[..., HttpResponse]


def api_error(status: int, code: str, message: str) -> JsonResponse:
    """A JSON error body: ``{"error": code, "message": ...}``."""
    response = JsonResponse({"error": code, "message": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="mamori"'
    return response


def _status(error: MamoriError) -> tuple[int, str]:
    if isinstance(error, services.NotAuthenticated):
        return 401, "unauthenticated"
    if isinstance(error, PermissionDenied):
        return 403, "forbidden"
    if isinstance(error, InvalidTransition):
        return 409, "conflict"
    return 422, "unprocessable"


def api(*methods: str) -> Callable[[ApiView], ApiView]:
    """Authenticate the endpoint, allow `methods`, and turn every error into a JSON answer."""

    def wrap(view: ApiView) -> ApiView:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                endpoint = services.authenticate(request.headers.get("Authorization"))
            except MamoriError as error:
                return api_error(*_status(error), str(error))
            if request.method not in methods:
                response = api_error(405, "method_not_allowed", f"use {' or '.join(methods)}")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, endpoint, *args, **kwargs)
            except RequestDataTooBig:
                return api_error(413, "too_large", "the request body is too large")
            except MamoriError as error:
                return api_error(*_status(error), str(error))

        return inner

    return wrap


_MAX_SIGNED_BODY = 64 * 1024


def _signature(request: HttpRequest, endpoint: Endpoint, payload: dict[str, Any]) -> str | None:
    """The verified report signature of an endpoint with a registered key; None for unsigned endpoints."""
    if not endpoint.public_key:
        return None
    if len(request.body) > _MAX_SIGNED_BODY:
        raise WorkflowError(f"a signed report is at most {_MAX_SIGNED_BODY // 1024} KiB")
    return verify_report(endpoint.public_key, request.path, payload, request.headers.get(SIGNATURE_HEADER))


def _body(request: HttpRequest) -> tuple[bytes, dict[str, Any]]:
    raw = request.body
    if not raw.strip():
        return raw, {}
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError):
        raise WorkflowError("the body must be a JSON object") from None
    if not isinstance(payload, dict):
        raise WorkflowError("the body must be a JSON object")
    return raw, payload


@api("GET")
def grants(request: HttpRequest, endpoint: Endpoint) -> HttpResponse:
    """Unused, unexpired grants for this endpoint's department, as signed envelopes."""
    found = [json.loads(g.envelope) for g in redeem.active_grants(endpoint.department_id)[:500]]
    return JsonResponse({"grants": found})


@api("GET")
def grant_key(request: HttpRequest, endpoint: Endpoint) -> HttpResponse:
    """The public key that verifies grants (the agent pins it at enrolment)."""
    return JsonResponse({"key": grant_verifier(current_home()).to_text()})


@api("GET")
def media_policy(request: HttpRequest, endpoint: Endpoint) -> HttpResponse:
    """The signed, versioned media policy this endpoint enforces (verify with the pinned grant key)."""
    response = HttpResponse(signed_policy_for(endpoint, current_home()), content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@api("POST")
def executed(request: HttpRequest, endpoint: Endpoint, grant_id: str) -> HttpResponse:
    """Report that the grant's export was written; once per grant, idempotent per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return api_error(400, "idempotency_key_required", "send an Idempotency-Key header")
    try:
        grant = redeem.grant_for(grant_id, endpoint.department_id)
    except PermissionDenied:
        return api_error(404, "not_found", "no such grant")
    raw, payload = _body(request)
    signature = _signature(request, endpoint, payload)

    def work() -> tuple[int, dict[str, Any]]:
        return 200, redeem.redeem(services.actor_of(endpoint), grant, payload, signature)

    status, answer = services.idempotent(endpoint, key, raw + b"\x00" + grant_id.encode(), work)
    return JsonResponse(answer, status=status)


@api("POST")
def device_events(request: HttpRequest, endpoint: Endpoint) -> HttpResponse:
    """Store one device event (medium inserted, blocked, removed, ...)."""
    raw, payload = _body(request)
    signature = _signature(request, endpoint, payload)

    def work() -> tuple[int, dict[str, Any]]:
        event = services.device_event(endpoint, payload, signature)
        return 201, {"id": event.pk, "kind": event.kind}

    status, answer = services.idempotent(endpoint, request.headers.get("Idempotency-Key"), raw, work)
    return JsonResponse(answer, status=status)


@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of this API (public: it describes, it grants nothing)."""
    if request.method not in ("GET", "HEAD"):
        response = api_error(405, "method_not_allowed", "use GET")
        response["Allow"] = "GET, HEAD"
        return response
    return HttpResponse(document_text(), content_type="application/json")


@api("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request: HttpRequest, endpoint: Endpoint, path: str = "") -> HttpResponse:
    """Unknown API paths answer JSON, not an HTML page."""
    return api_error(404, "not_found", "no such API path")
