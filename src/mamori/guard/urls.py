"""URL map of mamori guard."""

from __future__ import annotations

from django.urls import path, re_path

from mamori.guard.accounts import views as accounts
from mamori.guard.api import pages as endpoints
from mamori.guard.api import views as api
from mamori.guard.auditlog import views as audit
from mamori.guard.exports import views as exports
from mamori.guard.incidents import views as incidents
from mamori.guard.media import views as media
from mamori.guard.notices import views as notices
from mamori.guard.organisation import views as organisation
from mamori.guard.register import views as register
from mamori.guard.register import yearly_views as yearly
from mamori.guard.ui import views as ui

urlpatterns = [
    path("", ui.home),
    path("healthz", ui.healthz),
    path("lang/", ui.set_language),
    re_path(r"^static/(?P<path>.+)$", ui.static),
    path("login/", accounts.login_view),
    path("login/totp/", accounts.totp_view),
    path("logout/", accounts.logout_view),
    path("password/", accounts.password_view),
    path("totp/enrol/", accounts.totp_enrol_view),
    path("users/", accounts.users_view),
    path("users/import/", accounts.import_view),
    path("users/<int:user_id>/role/", accounts.role_view),
    path("departments/", accounts.department_view),
    path("notices/", notices.notices),
    path("organisation/", organisation.organisation),
    path("organisation/<int:pk>/place/", organisation.place),
    path("organisation/deputies/", organisation.appoint),
    path("organisation/deputies/<int:pk>/revoke/", organisation.revoke),
    path("departments/<int:pk>/head/", accounts.head_view),
    path("requests/", exports.my_requests),
    path("requests/new/", exports.new_request),
    path("requests/<int:pk>/", exports.detail),
    path("requests/<int:pk>/decide/", exports.decide),
    path("requests/<int:pk>/withdraw/", exports.withdraw),
    path("requests/<int:pk>/grant.json", exports.grant_document),
    re_path(r"^requests/(?P<pk>\d+)/form\.(?P<fmt>pdf|xlsx)$", exports.printed_form),
    path("queue/", exports.queue),
    path("reports/monthly/", exports.monthly),
    path("media/", media.media_list),
    path("media/register/", media.register),
    re_path(r"^media/ledger\.(?P<fmt>pdf|xlsx)$", media.ledger_view),
    path("media/<int:pk>/transition/", media.transition),
    path("endpoints/", endpoints.endpoint_list),
    path("endpoints/<int:pk>/", endpoints.endpoint_events),
    path("media/<int:pk>/events/", endpoints.medium_events),
    path("incidents/", incidents.incident_list),
    path("incidents/new/", incidents.new_incident),
    path("incidents/<int:pk>/", incidents.detail),
    path("incidents/<int:pk>/edit/", incidents.edit),
    path("incidents/<int:pk>/reported/", incidents.reported),
    path("incidents/<int:pk>/findings/", incidents.findings),
    path("incidents/<int:pk>/notices/", incidents.notices),
    path("incidents/<int:pk>/ppc/", incidents.ppc_draft),
    path("register/", register.register_page),
    path("register/new/", register.new_entry),
    path("register/<int:pk>/", register.entry_page),
    path("register/<int:pk>/retire/", register.retire),
    path("register/tokens/", register.tokens),
    path("reports/yearly/", yearly.yearly_page),
    path("reports/yearly/sign/", yearly.sign),
    re_path(r"^reports/yearly\.(?P<fmt>pdf|xlsx)$", yearly.download),
    path("audit/", audit.search_view),
    path("audit/csv/", audit.csv_view),
    path("audit/xlsx/", audit.xlsx_view),
    path("api/grants", api.grants),
    path("api/grant-key", api.grant_key),
    path("api/media-policy", api.media_policy),
    path("api/exports/<str:grant_id>/executed", api.executed),
    path("api/device-events", api.device_events),
    path("api/enrol", api.enrol),
    path("api/endpoint-status", api.endpoint_status),
    path("api/register/scans", register.push),
    path("api/openapi.json", api.openapi),
    re_path(r"^api/(?P<path>.*)$", api.not_found),
]

handler400 = "mamori.guard.ui.errors.bad_request"
handler403 = "mamori.guard.ui.errors.forbidden"
handler404 = "mamori.guard.ui.errors.not_found"
handler500 = "mamori.guard.ui.errors.server_error"
