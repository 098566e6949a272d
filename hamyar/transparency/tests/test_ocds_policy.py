"""The publication policy (its org admin only, audited, never another tenant's domain), its page, the
bulk file's page button, and the pieces OCDS is built from: merging releases and masking personal data."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hamyar.core.errors import InvalidInput, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.transparency.choices import ExportStatus, ProcessKind
from hamyar.transparency.models import OcdsExport, PublicationPolicy
from hamyar.transparency.ocds.merge import compile_release
from hamyar.transparency.ocds.privacy import MASK, Redactor
from hamyar.transparency.selectors import published_processes, withheld_domain_ids
from hamyar.transparency.services import publication_policy_set
from hamyar.transparency.tasks import ocds_export_task

# ---------------------------------------------------------------- the policy


def test_the_org_admin_sets_what_is_published_and_it_is_audited(tenant):
    policy = publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods", "works"],
                                    withheld_domain_ids=[tenant.green.pk])
    assert policy.kinds == ["goods", "works"]
    assert list(policy.withheld_domains.all()) == [tenant.green]
    event = AuditEvent.objects.filter(action="publication_policy.set").get()
    assert event.before == {"kinds": [], "withheld_domains": []}
    assert event.after == {"kinds": ["goods", "works"], "withheld_domains": [tenant.green.code]}
    # Setting it again changes the one row.
    publication_policy_set(acting_user=tenant.users["admin"], kinds=[], withheld_domain_ids=[])
    assert PublicationPolicy.objects.get(organization=tenant.org).kinds == []


@pytest.mark.parametrize("who", ["commerce", "finance", "executive", "district9", "supplier"])
def test_no_one_but_the_org_admin_sets_the_policy(tenant, who):
    with pytest.raises(PermissionDenied):
        publication_policy_set(acting_user=tenant.users[who], kinds=["goods"], withheld_domain_ids=[])
    assert not PublicationPolicy.objects.exists()


def test_another_organizations_domain_or_an_unknown_kind_is_refused(tenant, other_tenant):
    with pytest.raises(InvalidInput) as refused:
        publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods"],
                               withheld_domain_ids=[other_tenant.green.pk])
    assert "withheld_domains" in refused.value.extra["fields"]
    with pytest.raises(InvalidInput) as refused:
        publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods", "secrets"],
                               withheld_domain_ids=[])
    assert "kinds" in refused.value.extra["fields"]
    assert not PublicationPolicy.objects.exists()


def test_a_withheld_domain_withholds_the_domains_under_it(tenant):
    child = tenant.green.children.create(organization=tenant.org, code="green-trees", name="درختکاری")
    grandchild = child.children.create(organization=tenant.org, code="green-trees-fruit", name="درخت میوه")
    policy = publication_policy_set(acting_user=tenant.users["admin"], kinds=["goods"],
                                    withheld_domain_ids=[tenant.green.pk])
    assert withheld_domain_ids(policy) == {tenant.green.pk, child.pk, grandchild.pk}


def test_without_a_policy_nothing_is_published(client, tenant):
    assert published_processes(organization=tenant.org) == []
    response = client.get(f"/api/v1/ocds/{tenant.org.slug}/releases")
    assert response.status_code == 200 and response.json()["releases"] == []
    assert client.get(f"/api/v1/ocds/{tenant.org.slug}/records").json()["records"] == []


# ---------------------------------------------------------------- the page


def test_the_policy_page_saves_for_the_org_admin(client, tenant):
    client.force_login(tenant.users["admin"])
    url = reverse("transparency:policy")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kinds": ["goods", "group_purchase"],
                                 "withheld_domains": [tenant.lighting.pk]})
    assert response.status_code == 302
    policy = PublicationPolicy.objects.get(organization=tenant.org)
    assert sorted(policy.kinds) == ["goods", "group_purchase"]
    assert list(policy.withheld_domains.all()) == [tenant.lighting]


def test_the_policy_page_refuses_another_tenants_domain(client, tenant, other_tenant):
    client.force_login(tenant.users["admin"])
    response = client.post(reverse("transparency:policy"), {"kinds": ["goods"],
                                                            "withheld_domains": [other_tenant.green.pk]})
    assert response.status_code == 422
    assert not PublicationPolicy.objects.exists()


def test_the_executive_reads_the_policy_and_others_are_refused(client, tenant):
    client.force_login(tenant.users["executive"])
    page = client.get(reverse("transparency:policy"))
    assert page.status_code == 200 and 'id="policy-form"' not in page.content.decode()
    assert client.post(reverse("transparency:policy"), {"kinds": ["goods"]}).status_code == 403
    for who in ("district9", "supplier", "project_manager"):
        client.force_login(tenant.users[who])
        assert client.get(reverse("transparency:policy")).status_code == 403, who


def test_the_org_admin_builds_the_bulk_file_from_the_page(client, tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(tenant.users["commerce"])
    assert client.post(reverse("transparency:export_start")).status_code == 403
    client.force_login(tenant.users["admin"])
    assert client.post(reverse("transparency:export_start")).status_code == 302
    export = OcdsExport.objects.get(organization=tenant.org)
    assert export.status == ExportStatus.READY and export.releases == 0
    assert client.get(f"/api/v1/ocds/{tenant.org.slug}/releases.jsonl").status_code == 200


def test_every_kind_is_offered_on_the_page(client, tenant):
    client.force_login(tenant.users["admin"])
    html = client.get(reverse("transparency:policy")).content.decode()
    for kind in ProcessKind.values:
        assert f'value="{kind}"' in html


# ---------------------------------------------------------------- merging


def test_a_compiled_release_merges_by_id_and_takes_the_latest_value():
    releases = [
        {"ocid": "o", "id": "o-1", "date": "2026-01-01T10:00:00+03:30", "tag": ["contract"],
         "parties": [{"id": "a", "name": "A", "roles": ["buyer"]}],
         "contracts": [{"id": "C1", "awardID": "A1", "value": {"amount": 100, "currency": "IRR"},
                        "status": "active"}]},
        {"ocid": "o", "id": "o-2", "date": "2026-02-01T10:00:00+03:30", "tag": ["contractAmendment"],
         "contracts": [{"id": "C1", "awardID": "A1", "value": {"amount": 130, "currency": "IRR"},
                        "amendments": [{"id": "1", "rationale": "more"}]}]},
        {"ocid": "o", "id": "o-3", "date": "2026-03-01T10:00:00+03:30", "tag": ["contractAmendment"],
         "parties": [{"id": "b", "name": "B", "roles": ["supplier"]}],
         "contracts": [{"id": "C1", "awardID": "A1", "value": {"amount": 120, "currency": "IRR"},
                        "amendments": [{"id": "2", "rationale": "less"}]}]},
    ]
    compiled = compile_release(list(reversed(releases)))  # merged in date order whatever the order given
    assert compiled["tag"] == ["compiled"] and compiled["date"] == "2026-03-01T10:00:00+03:30"
    [contract] = compiled["contracts"]
    assert contract["value"] == {"amount": 120, "currency": "IRR"}
    assert contract["status"] == "active"
    assert [a["id"] for a in contract["amendments"]] == ["1", "2"]
    assert [p["id"] for p in compiled["parties"]] == ["a", "b"]


def test_a_null_removes_a_field_when_merged():
    releases = [
        {"ocid": "o", "id": "1", "date": "2026-01-01T00:00:00+03:30", "tag": ["tender"],
         "tender": {"id": "T", "status": "active", "description": "x"}},
        {"ocid": "o", "id": "2", "date": "2026-01-02T00:00:00+03:30", "tag": ["tender"],
         "tender": {"id": "T", "description": None}},
    ]
    assert compile_release(releases)["tender"] == {"id": "T", "status": "active"}


# ---------------------------------------------------------------- personal data


def test_the_redactor_masks_names_numbers_and_national_codes():
    redactor = Redactor(names=["مهندس حمید نوروزی", "علی", "رضایی"], numbers=["09153367120", "a@b.ir"])
    assert redactor.text("به درخواست مهندس حمید نوروزی") == f"به درخواست {MASK}"
    assert redactor.text("نوروزی گفت") == f"{MASK} گفت"
    # A name inside another word is that other word.
    assert redactor.text("وضع فعلی خوب است") == "وضع فعلی خوب است"
    assert redactor.text("آقای علی رضایی") == f"آقای {MASK} {MASK}"
    assert redactor.text("تلفن ۰۹۱۵۳۳۶۷۱۲۰ و 0912 345 6789") == f"تلفن {MASK} و {MASK}"
    assert redactor.text("نامه به a@b.ir و x.y@mail.com") == f"نامه به {MASK} و {MASK}"
    # A valid national code is masked; an amount of ten digits is not.
    assert redactor.text("کد ملی 0012345679") == f"کد ملی {MASK}"
    assert redactor.text("مبلغ 2500000000 ریال") == "مبلغ 2500000000 ریال"
    assert redactor.text("") == "" and redactor.text(None) == ""


def test_the_organizations_redactor_knows_its_members_and_contacts(tenant, other_tenant):
    tenant.users["district9"].first_name, tenant.users["district9"].last_name = "فاطمه", "موسوی"
    tenant.users["district9"].save()
    other_tenant.users["district9"].last_name = "کاظمی"
    other_tenant.users["district9"].save()
    tenant.supplier.contact_name, tenant.supplier.mobile = "بهروز مرادی", "09151112233"
    tenant.supplier.save()
    redactor = Redactor.for_organization(tenant.org.pk)
    assert redactor.text("فاطمه موسوی و بهروز مرادی 09151112233") == f"{MASK} و {MASK} {MASK}"
    assert redactor.text("کاظمی") == "کاظمی"  # not a member of this organization


def test_ocds_validate_names_the_organization_and_refuses_an_unknown_one(tenant):
    out = io.StringIO()
    call_command("ocds_validate", "--organization", tenant.org.slug, "--all", stdout=out)
    assert out.getvalue() == f"{tenant.org.slug}: 0 processes, 0 releases: valid.\n"
    with pytest.raises(CommandError):
        call_command("ocds_validate", "--organization", "no-such-org", stdout=out)


def test_only_the_newest_bulk_files_are_kept(client, tenant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for _ in range(5):
        ocds_export_task.enqueue(tenant.org.pk)
    kept = list(OcdsExport.objects.filter(organization=tenant.org).order_by("pk"))
    assert len(kept) == 3 and all(export.status == ExportStatus.READY for export in kept)
    assert sorted(p.name for p in (tmp_path / "transparency" / "ocds").iterdir()) == sorted(
        Path(export.file.name).name for export in kept)
    # A file the storage lost is answered as not built, never as an error.
    for export in kept:
        export.file.delete(save=False)
    response = client.get(f"/api/v1/ocds/{tenant.org.slug}/releases.jsonl")
    assert response.status_code == 404 and response.json()["code"] == "not_built"
