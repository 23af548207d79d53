"""Incidents: recorded by the security administrator, clocks shown, findings imported, notices tracked, all audited."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from guard_helpers import World, audit_actions

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.incidents import services
from mamori.guard.incidents.clocks import JAPAN, Reason
from mamori.guard.incidents.models import Incident


def findings_json(persons: int, special: bool = False) -> bytes:
    """A findings.json of the shape `mamori investigate` writes (counts only matter here)."""
    leaked = [{"server_path": "/home/u/public_html/data/名簿.csv", "categories": ["name", "address", "birth_date"],
               "persons": persons, "special_care": False},
              {"server_path": "/home/u/public_html/data/郵便投票.xlsx", "categories": ["name", "disability"],
               "persons": 19, "special_care": special}]
    return json.dumps({"case": "テスト事案", "leaked": leaked, "unique_persons_leaked": persons,
                       "access_totals": {"external": 26, "crawler": 29, "owner": 4}}, ensure_ascii=False).encode()


def new_incident(client: Any, **overrides: str) -> Any:
    form = {"title": "USBメモリの紛失", "discovered_at": "2026-04-03T10:00", "discovered_by": "市民課職員",
            "description": "選挙人名簿を保存した媒体を紛失した。", "people_affected": "80"} | overrides
    return client.post("/incidents/new/", form)


def test_record_clocks_findings_and_notices(world: World, home: Path, as_user: Any) -> None:
    admin = as_user(world.admin)
    created = new_incident(admin, department=str(world.dept_a.pk), medium=str(world.medium_a.pk))
    assert created.status_code == 302, created.content.decode()
    incident = Incident.objects.get()
    assert incident.discovered_at == timezone.datetime(2026, 4, 3, 10, 0, tzinfo=JAPAN)
    page = admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert "報告義務の要件に当たらない" in page and "2026-05-07" in page  # 80 people: not (yet) mandatory

    imported = admin.post(f"/incidents/{incident.pk}/findings/",
                          {"findings": _upload("findings.json", findings_json(20_000, special=True))})
    assert imported.status_code == 302
    incident.refresh_from_db()
    assert incident.people_affected == 20_000 and incident.special_care
    assert incident.findings["leaked_files"] == 2 and "disability" in incident.categories
    page = admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert "報告義務あり" in page and "要配慮個人情報" in page and "本人の数が100人超" in page

    assert admin.post(f"/incidents/{incident.pk}/reported/", {"kind": "final"}).status_code == 400  # 速報 first
    assert admin.post(f"/incidents/{incident.pk}/reported/",
                      {"kind": "preliminary", "reported_at": "2026-04-06T15:00"}).status_code == 302
    assert admin.post(f"/incidents/{incident.pk}/reported/",
                      {"kind": "final", "reported_at": "2026-05-08T09:00"}).status_code == 302
    st = services.status(Incident.objects.get())
    assert st.preliminary.met() is True and st.final.met() is False  # the final report came a day late

    for sent, returned, answered in ((15_000, 120, 300), (5_000, 30, 40)):
        done = admin.post(f"/incidents/{incident.pk}/notices/", {"sent_on": "2026-04-20", "sent": str(sent),
                                                                 "returned": str(returned), "answered": str(answered)})
        assert done.status_code == 302
    totals = services.notice_totals(Incident.objects.get())
    assert (totals.sent, totals.returned, totals.answered, totals.not_yet) == (20_000, 150, 340, 150)

    draft = admin.get(f"/incidents/{incident.pk}/ppc/").content.decode()
    for item in ("概要", "本人の数", "20000", "原因", "再発防止のための措置", "障害"):
        assert item in draft
    actions = audit_actions(home)
    for action in ("incident.recorded", "incident.findings_imported", "incident.preliminary_reported",
                   "incident.final_reported", "incident.notices_sent"):
        assert action in actions


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/json")


def test_who_sees_and_who_writes(world: World, as_user: Any) -> None:
    created = new_incident(as_user(world.admin), department=str(world.dept_a.pk))
    pk = Incident.objects.get().pk
    assert created.status_code == 302
    assert as_user(world.alice).get("/incidents/").status_code == 403
    assert as_user(world.head_a).get(f"/incidents/{pk}/").status_code == 200
    assert as_user(world.head_b).get(f"/incidents/{pk}/").status_code == 404  # another department's incident
    assert as_user(world.auditor).get(f"/incidents/{pk}/ppc/").status_code == 200
    assert as_user(world.head_a).post(f"/incidents/{pk}/notices/", {"sent_on": "2026-04-20", "sent": "1"}
                                      ).status_code == 403
    assert new_incident(as_user(world.auditor)).status_code == 403


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "not a findings.json"),
    (b"[]", "not a findings.json"),
    (json.dumps({"leaked": [], "unique_persons_leaked": "many"}).encode(), "unique_persons_leaked"),
])
def test_bad_findings_are_refused(world: World, data: bytes, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        services.summarise_findings(data)


def test_bad_records_are_refused(world: World, as_user: Any) -> None:
    admin = as_user(world.admin)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = new_incident(admin, discovered_at=future)
    assert refused.status_code == 400 and "未来" in refused.content.decode()
    assert "USBメモリの紛失" in refused.content.decode()  # the form keeps what was typed
    assert new_incident(admin, description="").status_code == 400
    assert Incident.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.create(world.head_a, department=None, medium=None, title="x", description="y",
                        discovered_at=timezone.now())
    incident = services.create(world.admin, department=None, medium=None, title="x", description="y",
                               discovered_at=timezone.now() - timedelta(days=1))
    with pytest.raises(WorkflowError):
        services.add_notices(world.admin, incident, sent_on=timezone.localdate(), sent=5, returned=6)
    assert services.status(incident).reasons == ()
    services.update(world.admin, incident, wrongful_purpose=True)
    assert services.status(incident).reasons == (Reason.WRONGFUL_PURPOSE,)
