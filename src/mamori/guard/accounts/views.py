"""Log-in (password, then TOTP), log-out, password change, and user administration."""

from __future__ import annotations

import time

import pyotp
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from mamori.errors import MamoriError, WorkflowError
from mamori.guard.accounts import services, totp
from mamori.guard.accounts.directory import DirectoryUnavailable
from mamori.guard.accounts.forms import DepartmentForm, HeadForm, LoginForm, PasswordForm, RoleForm, TotpForm, UserForm
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.auditlog.services import record
from mamori.guard.ui.http import client_ip, guarded
from mamori.guard.ui.middleware import mark_authenticated
from mamori.i18n import message_of, said

PENDING_USER = "_mamori_pending_user"
PENDING_AT = "_mamori_pending_at"
PENDING_SECONDS = 300


def _complete(request: HttpRequest, user: User) -> HttpResponse:
    login(request, user)  # rotates the session key (cycle_key)
    mark_authenticated(request)
    services.logged_in(user, client_ip(request))
    return HttpResponseRedirect("/password/" if user.must_change_password else "/")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password."""
    form = LoginForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_password(form.cleaned_data["username"], form.cleaned_data["password"],
                                           client_ip(request))
        except DirectoryUnavailable as failure:
            key = "ui.directory_unreachable" if failure.unreachable else "ui.directory_misconfigured"
            error, status = gettext(key), 503
        except MamoriError as failure:
            error, status = message_of(failure, _lang()), 429 if isinstance(failure, services.LoginThrottled) else 401
        else:
            if not user.needs_totp:
                return _complete(request, user)
            if not user.totp_secret:
                # A directory user whose role needs TOTP and who has none yet: enrolment is the only page
                # they can open (SessionTimeoutMiddleware) until it is done.
                _complete(request, user)
                return HttpResponseRedirect("/totp/enrol/")
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = int(time.time())
            return HttpResponseRedirect("/login/totp/")
    elif request.method == "POST":
        error, status = gettext("ui.error.enter_username_password"), 400
    return render(request, "guard/login.html", {"form": form, "error": error,
                                                "expired": "expired" in request.GET}, status=status)


@require_http_methods(["GET", "POST"])
def totp_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the authenticator code (heads, administrators, auditors, enrolled employees)."""
    pending, since = request.session.get(PENDING_USER), request.session.get(PENDING_AT)
    if not isinstance(pending, int) or not isinstance(since, int) or time.time() - since > PENDING_SECONDS:
        return HttpResponseRedirect("/login/")
    user = get_object_or_404(User, pk=pending, is_active=True)
    form = TotpForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if not form.is_valid():
            error, status = gettext("ui.error.enter_code"), 400
        else:
            try:
                services.check_totp(user, form.cleaned_data["code"], client_ip(request))
            except MamoriError as failure:
                error, status = message_of(failure, _lang()), 400
                if isinstance(failure, services.LoginThrottled):
                    status = 429
            else:
                del request.session[PENDING_USER], request.session[PENDING_AT]
                return _complete(request, user)
    return render(request, "guard/totp.html", {"form": form, "error": error}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the session."""
    if request.user.is_authenticated:
        record(request.user.get_username(), "logout", "user", request.user.get_username())
    logout(request)
    return HttpResponseRedirect("/login/")


@require_http_methods(["GET", "POST"])
@guarded()
def password_view(request: HttpRequest) -> HttpResponse:
    """Change one's password (required after the one-time password)."""
    form = PasswordForm(request.POST or None)
    user = User.objects.get(pk=request.user.pk)
    if not user.has_usable_password():
        # The directory keeps this user's password: a local one would cut them off from the directory's groups.
        return render(request, "guard/password.html", {"directory": True},
                      status=400 if request.method == "POST" else 200)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "guard/password.html", {"form": form, "error": gettext("ui.error.enter_password")},
                          status=400)
        try:
            services.change_password(user, form.cleaned_data["new_password"])
        except WorkflowError as error:
            # The validators' reasons (too short, too common, like the user name) with the form to try again.
            return render(request, "guard/password.html",
                          {"form": PasswordForm(), "error": message_of(error, _lang())}, status=400)
        login(request, user)  # keeps the session valid after the password hash changed; rotates the key
        mark_authenticated(request)
        return HttpResponseRedirect("/")
    return render(request, "guard/password.html", {"form": form})


@require_http_methods(["GET", "POST"])
@guarded(Role.SECURITY_ADMIN)
def users_view(request: HttpRequest) -> HttpResponse:
    """Security administrators: list users and create one (its one-time password and TOTP URI shown once)."""
    actor = User.objects.get(pk=request.user.pk)
    form = UserForm(request.POST or None)
    created = None
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "guard/users.html", {"form": form, "users": User.objects.all()}, status=400)
        data = form.cleaned_data
        user, password = services.create_user(actor, data["username"], data["role"], data["department"],
                                              data["display_name"])
        uri = totp.provisioning_uri(user) if user.totp_secret else ""
        created = {"user": user, "password": password, "totp_uri": uri, "totp_qr": totp.qr_svg(uri) if uri else ""}
        form = UserForm()
    users = User.objects.select_related("department").order_by("username")
    return render(request, "guard/users.html", {"form": form, "users": users, "created": created,
                                                "role_form": RoleForm(), "departments": Department.objects.all(),
                                                "department_form": DepartmentForm()})


@require_POST
@guarded(Role.SECURITY_ADMIN)
def department_view(request: HttpRequest) -> HttpResponse:
    """Create a department."""
    form = DepartmentForm(request.POST)
    if not form.is_valid():
        raise WorkflowError(said("error.accounts.department_needs_code_name"))
    services.create_department(User.objects.get(pk=request.user.pk), form.cleaned_data["code"],
                               form.cleaned_data["name"])
    return HttpResponseRedirect("/users/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def head_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a section head the head of a department."""
    department = get_object_or_404(Department, pk=pk)
    form = HeadForm(request.POST)
    head = User.objects.filter(username=form.data.get("username", "")).first() if form.is_valid() else None
    if head is None:
        raise WorkflowError(said("error.accounts.name_existing_section_head"))
    services.set_head(User.objects.get(pk=request.user.pk), department, head)
    return HttpResponseRedirect("/users/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def role_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Change a user's role."""
    form = RoleForm(request.POST)
    if not form.is_valid():
        return render(request, "guard/error.html", {"title": "bad_request", "message": "choose a role"}, status=400)
    target = get_object_or_404(User, pk=user_id)
    services.set_role(User.objects.get(pk=request.user.pk), target, form.cleaned_data["role"])
    return HttpResponseRedirect("/users/")


_PENDING_SECRET = "mamori_totp_pending"


@require_http_methods(["GET", "POST"])
@guarded()
def totp_enrol_view(request: HttpRequest) -> HttpResponse:
    """Any user without a second factor enrols one: scan the QR code, then prove it with a current code."""
    user = User.objects.get(pk=request.user.pk)
    if user.totp_secret:
        return render(request, "guard/totp_enrol.html", {"enrolled": True})
    secret = str(request.session.get(_PENDING_SECRET) or totp.new_secret())
    request.session[_PENDING_SECRET] = secret
    error = ""
    if request.method == "POST":
        if totp.enrol(user, secret, str(request.POST.get("code", ""))):
            del request.session[_PENDING_SECRET]
            record(user.username, "account.totp_enrolled", "user", user.pk, ip=client_ip(request))
            return render(request, "guard/totp_enrol.html", {"enrolled": True, "just_now": True})
        error = "code"
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=totp.ISSUER)
    return render(request, "guard/totp_enrol.html", {"qr": totp.qr_svg(uri), "secret": secret, "error": error},
                  status=400 if error else 200)


_STAFF_PLAN = "mamori_staff_import"


@require_http_methods(["GET", "POST"])
@guarded(Role.SECURITY_ADMIN)
def import_view(request: HttpRequest) -> HttpResponse:
    """Bulk import of staff and departments: upload → dry run shown → apply (one-time passwords shown once)."""
    from dataclasses import asdict

    from mamori.guard.accounts import bulk

    actor = User.objects.get(pk=request.user.pk)
    if request.method == "POST" and request.POST.get("apply"):
        stored = request.session.pop(_STAFF_PLAN, None)
        if not stored:
            raise WorkflowError(said("error.accounts.upload_staff_file_again"))
        rows = [bulk.StaffRow(**row) for row in stored]
        created = bulk.apply(actor, bulk.plan(rows, actor))
        return render(request, "guard/staff_import.html", {"created": created, "applied": True})
    if request.method == "POST":
        upload = request.FILES.get("staff")
        if upload is None:
            raise WorkflowError(said("error.accounts.choose_staff_file_csv"))
        if upload.size is not None and upload.size > bulk.MAX_BYTES:
            raise WorkflowError(said("error.accounts.staff_file_too_large"))
        rows = bulk.read_rows(upload.read(bulk.MAX_BYTES + 1), upload.name or "staff.csv")
        plan = bulk.plan(rows, actor)
        request.session[_STAFF_PLAN] = [asdict(row) for row in rows]
        return render(request, "guard/staff_import.html", {"plan": plan})
    return render(request, "guard/staff_import.html", {})


def _lang() -> str:
    """The page's language (set by LanguageMiddleware)."""
    return get_language() or "ja"

