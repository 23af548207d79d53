"""mamori guard: the export-control server (Django).

One Django app per concern — ``accounts`` (people, departments, roles, TOTP), ``media``
(approved media register), ``exports`` (requests, scans, approvals, grants, reports),
``auditlog`` (every event into `mamori.audit.AuditLog`), ``api`` (the endpoint agent's API)
and ``ui`` (layout, language switch, health). Rules live in each app's ``services.py``;
views only translate HTTP to service calls and `mamori.errors` to status codes.
"""
