"""Complaints: who may take each step, illegal steps refused with nothing written, the scope of each
reader, attachments checked like a need's, the clock, and the counts the provider scorecards read."""

import datetime as dt
import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import selectors, services
from hamyar.commerce.choices import ComplaintStatus
from hamyar.commerce.models import Complaint, ComplaintAttachment
from hamyar.core import clock
from hamyar.core.changes import rows_changed
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.core.tests import sample_files
from hamyar.needs.choices import NeedStatus

from .complaint_data import (
    DESCRIPTION,
    SUBJECT,
    answered_complaint,
    assigned_complaint,
    file_complaint,
    pdf,
)
from .order_data import placed_order

APPS = ("commerce", "needs", "accounts", "directory")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def order(tenant, catalog):
    return placed_order(tenant, catalog)


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# ---------------------------------------------------------------- filing


def test_district9_files_a_complaint_about_its_order_against_the_supplier(tenant, order):
    announced = []

    def listen(sender, ids, **kwargs):
        announced.append((sender, ids))

    rows_changed.connect(listen)
    try:
        with one_audit_event("complaint.file"):
            complaint = file_complaint(tenant, order, uploads=[pdf()])
    finally:
        rows_changed.disconnect(listen)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.FILED
    assert complaint.number.startswith("CM")
    assert complaint.need_id == order.need_id and complaint.order_id == order.pk
    assert complaint.municipality_id == tenant.district9.pk and complaint.complainant_provider_id is None
    assert complaint.provider_id == tenant.supplier.pk  # from the order
    assert complaint.shown_to_provider_id is None  # the supplier reads it once answered
    assert complaint.subject == SUBJECT and complaint.description == DESCRIPTION
    assert complaint.due_at - complaint.filed_at == dt.timedelta(days=7)
    assert complaint.owner_id is None
    assert [a.original_name for a in complaint.attachments.all()] == ["photo.pdf"]
    assert (Complaint, [complaint.pk]) in announced
    assert any(complaint.number in s for s in inbox(tenant.users["commerce"]))
    assert inbox(tenant.users["finance"]) == []


def test_a_complaint_about_the_need_names_its_assigned_provider(tenant, order):
    complaint = services.complaint_file(acting_user=tenant.users["district9"], need=order.need,
                                        subject="پاسخ دیر", description="سه روز پاسخی نیامد")
    assert complaint.order_id is None and complaint.provider_id == tenant.supplier.pk


def test_the_supplier_files_about_its_own_order_and_is_not_the_one_complained_about(tenant, order):
    complaint = file_complaint(tenant, order, user=tenant.users["supplier"])
    assert complaint.complainant_provider_id == tenant.supplier.pk and complaint.municipality_id is None
    assert complaint.provider_id is None
    assert complaint.shown_to_provider_id == tenant.supplier.pk
    assert selectors.complaint_get(user=tenant.users["supplier"], pk=complaint.pk) == complaint
    with pytest.raises(NotFound):  # a municipality reads only what it filed
        selectors.complaint_get(user=tenant.users["district9"], pk=complaint.pk)


@pytest.mark.parametrize("who", ["commerce", "admin", "finance", "executive", "project_manager"])
def test_only_municipality_and_supplier_users_file(tenant, order, who):
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        file_complaint(tenant, order, user=tenant.users[who])


def test_district10_cannot_file_about_district9s_order_or_need(tenant, order):
    with nothing_written(*APPS), pytest.raises(NotFound):
        file_complaint(tenant, order, user=tenant.users["district10"])
    with nothing_written(*APPS), pytest.raises(NotFound):
        services.complaint_file(acting_user=tenant.users["district10"], need=order.need, subject="x",
                                description="y")


def test_another_organizations_user_cannot_file_about_it(tenant, other_tenant, order):
    with nothing_written(*APPS), pytest.raises(NotFound):
        file_complaint(tenant, order, user=other_tenant.users["district9"])


def test_a_draft_need_is_not_complained_about(tenant, order):
    need = order.need
    need.status = NeedStatus.DRAFT
    need.save(update_fields=["status"])
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_file(acting_user=tenant.users["district9"], need=need, subject="x",
                                description="y")
    assert refused.value.status == 409


@pytest.mark.parametrize("field, values", [("subject", {"subject": "  "}),
                                           ("description", {"description": ""}),
                                           ("topic", {"topic": "weather"})])
def test_a_complaint_without_its_words_is_refused(tenant, order, field, values):
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        file_complaint(tenant, order, **values)
    assert field in refused.value.extra["fields"]


# ---------------------------------------------------------------- attachments


def test_a_file_larger_than_the_limit_is_refused_and_nothing_is_saved(tenant, order, settings, media):
    settings.HAMYAR_ATTACHMENT_MAX_BYTES = 2000
    big = SimpleUploadedFile("scan.pdf", sample_files.padded_pdf(5000), content_type="application/pdf")
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        file_complaint(tenant, order, uploads=[pdf("ok.pdf"), big])
    message = refused.value.extra["fields"]["files"][0]
    assert message.startswith("scan.pdf: ") and ("MB" in message or "مگابایت" in message)
    assert stored_files(media) == []


def test_a_file_whose_content_is_not_its_name_is_refused(tenant, order, media):
    fake = SimpleUploadedFile("invoice.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        file_complaint(tenant, order, uploads=[fake])
    assert "invoice.pdf" in refused.value.extra["fields"]["files"][0]
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        file_complaint(tenant, order, uploads=[text])
    assert stored_files(media) == []


def test_a_disk_that_fills_at_the_second_file_keeps_neither_file_nor_row(tenant, order, media, monkeypatch):
    from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage

    from hamyar.core.errors import StorageFull

    django_save = DjangoFileSystemStorage._save
    saved: list[str] = []

    def full_after_one(self, name, content):
        if saved:
            (media / name).parent.mkdir(parents=True, exist_ok=True)
            (media / name).write_bytes(b"%PDF-1.4 half")
            raise OSError(errno.ENOSPC, "No space left on device")
        saved.append(name)
        return django_save(self, name, content)

    monkeypatch.setattr(DjangoFileSystemStorage, "_save", full_after_one)
    with nothing_written(*APPS), pytest.raises(StorageFull) as refused:
        file_complaint(tenant, order, uploads=[pdf("first.pdf"), pdf("second.pdf")])
    assert refused.value.status == 507
    assert saved and stored_files(media) == []


def test_at_most_five_files(tenant, order):
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        file_complaint(tenant, order, uploads=[pdf(f"{i}.pdf") for i in range(6)])


def test_files_of_several_kinds_are_kept_under_random_names(tenant, order):
    png = SimpleUploadedFile("site.png", sample_files.image_bytes("PNG"), content_type="image/png")
    complaint = file_complaint(tenant, order, uploads=[pdf(), png])
    rows = list(complaint.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in rows] == [("photo.pdf", "application/pdf"),
                                                                 ("site.png", "image/png")]
    assert all("photo" not in a.file.name and "site" not in a.file.name for a in rows)


def test_the_complainant_adds_a_file_while_awaiting_the_answer_only(tenant, order):
    complaint = file_complaint(tenant, order)
    with one_audit_event("complaint_attachment.add"):
        services.complaint_attachment_add(complaint=complaint, acting_user=tenant.users["district9"],
                                          upload=pdf())
    with nothing_written(*APPS), pytest.raises(NotFound):  # the supplier does not read it yet
        services.complaint_attachment_add(complaint=complaint, acting_user=tenant.users["supplier"],
                                          upload=pdf())
    services.complaint_assign(complaint=complaint, acting_user=tenant.users["commerce"],
                              owner=tenant.users["commerce"].pk)
    services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"], answer="پاسخ")
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_attachment_add(complaint=complaint, acting_user=tenant.users["district9"],
                                          upload=pdf())
    assert refused.value.status == 409
    assert ComplaintAttachment.objects.filter(complaint=complaint).count() == 1


# ---------------------------------------------------------------- assign


def test_a_commerce_officer_gives_it_an_owner_who_is_told(tenant, order):
    complaint = file_complaint(tenant, order)
    with one_audit_event("complaint.assign"):
        services.complaint_assign(complaint=complaint, acting_user=tenant.users["commerce"],
                                  owner=tenant.users["finance"].pk)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.owner_id == tenant.users["finance"].pk
    assert complaint.assigned_at is not None
    assert any(complaint.number in s for s in inbox(tenant.users["finance"]))


def test_the_org_admin_hands_it_to_another_owner(tenant, order):
    complaint = assigned_complaint(tenant, order)
    services.complaint_assign(complaint=complaint, acting_user=tenant.users["admin"],
                              owner=tenant.users["admin"].pk)
    complaint.refresh_from_db()
    assert complaint.owner_id == tenant.users["admin"].pk


@pytest.mark.parametrize("who", ["finance", "executive", "district9", "supplier"])
def test_others_may_not_assign(tenant, order, who):
    complaint = file_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises((PermissionDenied, NotFound)):
        services.complaint_assign(complaint=complaint, acting_user=tenant.users[who],
                                  owner=tenant.users["commerce"].pk)


@pytest.mark.parametrize("owner", ["supplier", "district9", "executive", "other_tenant_commerce"])
def test_the_owner_is_an_officer_of_the_organization(tenant, other_tenant, order, owner):
    complaint = file_complaint(tenant, order)
    user = other_tenant.users["commerce"] if owner == "other_tenant_commerce" else tenant.users[owner]
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        services.complaint_assign(complaint=complaint, acting_user=tenant.users["commerce"], owner=user.pk)
    assert "owner" in refused.value.extra["fields"]


def test_an_answered_complaint_is_not_assigned_again(tenant, order):
    complaint = answered_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_assign(complaint=complaint, acting_user=tenant.users["commerce"],
                                  owner=tenant.users["finance"].pk)
    assert refused.value.status == 409 and refused.value.code == "complaint_state"


# ---------------------------------------------------------------- answer


def test_the_owner_answers_the_complainant_is_told_and_the_supplier_may_read_it(tenant, order):
    complaint = assigned_complaint(tenant, order, owner=tenant.users["finance"])
    assert selectors.complaint_list(user=tenant.users["supplier"]).count() == 0
    with pytest.raises(NotFound):
        selectors.complaint_get(user=tenant.users["supplier"], pk=complaint.pk)
    with one_audit_event("complaint.answer"):
        services.complaint_answer(complaint=complaint, acting_user=tenant.users["finance"],
                                  answer="مبلغ دو نیمکت از صورتحساب کسر شد.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert complaint.answered_by_id == tenant.users["finance"].pk and complaint.answered_at is not None
    assert complaint.shown_to_provider_id == tenant.supplier.pk
    assert any(complaint.number in s for s in inbox(tenant.users["district9"]))
    assert any(complaint.number in s for s in inbox(tenant.users["supplier"]))
    assert list(selectors.complaint_list(user=tenant.users["supplier"])) == [complaint]


def test_a_filed_complaint_without_an_owner_is_not_answered(tenant, order):
    complaint = file_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"], answer="پاسخ")
    assert refused.value.status == 409


def test_an_officer_who_is_not_the_owner_does_not_answer(tenant, order):
    complaint = assigned_complaint(tenant, order, owner=tenant.users["admin"])
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        services.complaint_answer(complaint=complaint, acting_user=tenant.users["finance"], answer="پاسخ")


@pytest.mark.parametrize("who", ["executive", "district9", "supplier"])
def test_no_one_but_officers_answers(tenant, order, who):
    complaint = assigned_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises((PermissionDenied, NotFound)):
        services.complaint_answer(complaint=complaint, acting_user=tenant.users[who], answer="پاسخ")


def test_an_empty_answer_is_refused(tenant, order):
    complaint = assigned_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"], answer=" ")


# ---------------------------------------------------------------- close, reopen, withdraw


def test_the_complainant_accepts_the_answer(tenant, order):
    complaint = answered_complaint(tenant, order)
    with one_audit_event("complaint.close"):
        services.complaint_close(complaint=complaint, acting_user=tenant.users["district9"])
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_at is not None
    assert any(complaint.number in s for s in inbox(tenant.users["commerce"]))


def test_the_supplier_complained_about_may_read_but_not_close_or_reopen(tenant, order):
    complaint = answered_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        services.complaint_close(complaint=complaint, acting_user=tenant.users["supplier"])
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        services.complaint_reopen(complaint=complaint, acting_user=tenant.users["supplier"], reason="نه")
    assert selectors.complaint_actions(complaint=complaint, user=tenant.users["supplier"]) == []


@pytest.mark.parametrize("who", ["commerce", "admin"])
def test_officers_do_not_close_for_the_complainant(tenant, order, who):
    complaint = answered_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        services.complaint_close(complaint=complaint, acting_user=tenant.users[who])


def test_a_complaint_awaiting_its_answer_is_not_closed(tenant, order):
    complaint = assigned_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_close(complaint=complaint, acting_user=tenant.users["district9"])
    assert refused.value.status == 409


def test_reopened_once_the_clock_restarts_and_a_second_time_is_refused(tenant, order):
    complaint = answered_complaint(tenant, order)
    later = clock.now() + dt.timedelta(days=3)
    with clock.at(later), one_audit_event("complaint.reopen"):
        services.complaint_reopen(complaint=complaint, acting_user=tenant.users["district9"],
                                  reason="جایگزینی انجام نشد")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.owner_id == tenant.users["commerce"].pk
    assert complaint.reopened_at == later and complaint.due_at == later + dt.timedelta(days=7)
    assert any(complaint.number in s for s in inbox(tenant.users["commerce"]))
    services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"], answer="انجام شد")
    assert "reopen" not in selectors.complaint_actions(complaint=complaint, user=tenant.users["district9"])
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_reopen(complaint=complaint, acting_user=tenant.users["district9"], reason="باز هم")
    assert refused.value.status == 409
    services.complaint_close(complaint=complaint, acting_user=tenant.users["district9"])


def test_reopening_says_why(tenant, order):
    complaint = answered_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.complaint_reopen(complaint=complaint, acting_user=tenant.users["district9"], reason="")


@pytest.mark.parametrize("step", ["filed", "assigned"])
def test_the_complainant_withdraws_before_the_answer(tenant, order, step):
    complaint = file_complaint(tenant, order) if step == "filed" else assigned_complaint(tenant, order)
    with one_audit_event("complaint.withdraw"):
        services.complaint_withdraw(complaint=complaint, acting_user=tenant.users["district9"],
                                    reason="حل شد")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.WITHDRAWN and complaint.withdraw_reason == "حل شد"


def test_an_answered_complaint_is_not_withdrawn(tenant, order):
    complaint = answered_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.complaint_withdraw(complaint=complaint, acting_user=tenant.users["district9"])
    assert refused.value.status == 409


@pytest.mark.parametrize("who", ["commerce", "admin", "executive"])
def test_only_the_complainant_withdraws(tenant, order, who):
    complaint = file_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        services.complaint_withdraw(complaint=complaint, acting_user=tenant.users[who])


def test_a_supplier_withdraws_its_own_complaint(tenant, order):
    complaint = file_complaint(tenant, order, user=tenant.users["supplier"])
    services.complaint_withdraw(complaint=complaint, acting_user=tenant.users["supplier"])
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.WITHDRAWN


# ---------------------------------------------------------------- scope


def test_district10_and_another_organization_see_nothing_of_it(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order)
    for user in (tenant.users["district10"], tenant.users["supplier"], tenant.users["project_manager"],
                 other_tenant.users["commerce"], other_tenant.users["district9"]):
        assert selectors.complaint_list(user=user).count() == 0
        with pytest.raises(NotFound):
            selectors.complaint_get(user=user, pk=complaint.pk)
    for who in ("commerce", "admin", "finance", "executive", "district9"):
        assert selectors.complaint_get(user=tenant.users[who], pk=complaint.pk) == complaint


def test_another_organizations_officer_cannot_act_on_it(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order)
    with nothing_written(*APPS), pytest.raises(NotFound):
        services.complaint_assign(complaint=complaint, acting_user=other_tenant.users["commerce"],
                                  owner=other_tenant.users["commerce"].pk)


def test_files_follow_the_complaints_scope(tenant, other_tenant, order):
    complaint = file_complaint(tenant, order, uploads=[pdf()])
    attachment = complaint.attachments.get()
    assert selectors.complaint_attachment_get(user=tenant.users["district9"], pk=attachment.pk) == attachment
    for user in (tenant.users["district10"], tenant.users["supplier"], other_tenant.users["commerce"]):
        with pytest.raises(NotFound):
            selectors.complaint_attachment_get(user=user, pk=attachment.pk)


# ---------------------------------------------------------------- the clock


def test_overdue_once_the_target_has_passed_without_an_answer(tenant, order, settings):
    settings.HAMYAR_COMPLAINT_RESPONSE_DAYS = 3
    start = clock.now() - dt.timedelta(days=5)
    with clock.at(start):
        late = file_complaint(tenant, order)
    with clock.at(start + dt.timedelta(days=4)):
        fresh = file_complaint(tenant, order)
    assert late.due_at == start + dt.timedelta(days=3)
    assert selectors.is_overdue(late) and not selectors.is_overdue(fresh)
    officer = tenant.users["commerce"]
    assert list(selectors.complaint_list(user=officer, filters={"overdue": True})) == [late]
    assert list(selectors.complaint_list(user=officer, filters={"overdue": False})) == [fresh]
    rows = {c.pk: c.late for c in selectors.complaint_list(user=officer)}
    assert rows == {late.pk: True, fresh.pk: False}
    # An answer stops the clock: no longer overdue.
    services.complaint_assign(complaint=late, acting_user=tenant.users["commerce"],
                              owner=tenant.users["commerce"].pk)
    services.complaint_answer(complaint=late, acting_user=tenant.users["commerce"], answer="پاسخ")
    late.refresh_from_db()
    assert not selectors.is_overdue(late)
    assert selectors.complaint_list(user=tenant.users["commerce"], filters={"overdue": True}).count() == 0


def test_the_list_filters_by_status(tenant, order):
    filed = file_complaint(tenant, order)
    answered = answered_complaint(tenant, order)
    officer = tenant.users["commerce"]
    assert list(selectors.complaint_list(user=officer, filters={"status": "filed"})) == [filed]
    assert list(selectors.complaint_list(user=officer, filters={"status": "answered"})) == [answered]
    assert list(selectors.complaint_list(user=officer, filters={"provider": tenant.supplier.pk})) == [
        answered, filed]


# ---------------------------------------------------------------- timeline and scorecard counts


def test_the_timeline_keeps_every_answer(tenant, order):
    complaint = answered_complaint(tenant, order)
    services.complaint_reopen(complaint=complaint, acting_user=tenant.users["district9"], reason="نشد")
    services.complaint_answer(complaint=complaint, acting_user=tenant.users["commerce"], answer="دوباره")
    entries = selectors.complaint_timeline(complaint=complaint)
    assert [e.action for e in entries] == ["file", "assign", "answer", "reopen", "answer"]
    assert [e.text for e in entries if e.action == "answer"] == ["تأمین‌کننده دو نیمکت را جایگزین می‌کند.",
                                                                 "دوباره"]
    assert all(e.label for e in entries) and entries[0].actor


def test_complaints_by_provider_counts_what_the_reader_may_see(tenant, catalog, order):
    catalog_order = placed_order(tenant, catalog, provider=tenant.affiliate)
    past = clock.now() - dt.timedelta(days=10)
    with clock.at(past):
        overdue = file_complaint(tenant, order)  # open and overdue
    answered_complaint(tenant, order)  # answered
    withdrawn = file_complaint(tenant, order)
    services.complaint_withdraw(complaint=withdrawn, acting_user=tenant.users["district9"])
    closed = answered_complaint(tenant, order)
    services.complaint_reopen(complaint=closed, acting_user=tenant.users["district9"], reason="نشد")
    file_complaint(tenant, catalog_order)  # about the affiliate, open
    file_complaint(tenant, order, user=tenant.users["supplier"])  # by the supplier: about no provider
    assert overdue.provider_id == tenant.supplier.pk

    counts = selectors.complaints_by_provider(tenant.users["executive"],
                                              [tenant.supplier.pk, tenant.affiliate.pk, tenant.staff_unit.pk])
    assert counts == {
        tenant.supplier.pk: selectors.ComplaintCounts(total=3, open=2, overdue=1, answered=1, reopened=1),
        tenant.affiliate.pk: selectors.ComplaintCounts(total=1, open=1, overdue=0, answered=0, reopened=0),
    }
    # The supplier reads only those answered about it (the reopened one was answered once).
    own = selectors.complaints_by_provider(tenant.users["supplier"],
                                           [tenant.supplier.pk, tenant.affiliate.pk])
    assert own == {tenant.supplier.pk: selectors.ComplaintCounts(total=2, open=1, overdue=0, answered=1,
                                                                 reopened=1)}
    assert selectors.complaints_by_provider(tenant.users["district10"], [tenant.supplier.pk]) == {}
    assert selectors.complaints_by_provider(tenant.users["executive"], []) == {}
