from django.urls import path

from . import detail_views, form_views, views

app_name = "needs"
urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("new/", form_views.need_create, name="need_create"),
    path("new/items/", form_views.item_picker, name="item_picker"),
    path("new/line/", form_views.line_row, name="line_row"),
    path("triage/", views.triage_queue, name="triage_queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("work/", views.work_queue, name="work_queue"),
    path("service-levels/", views.service_levels, name="service_levels"),
    path("<int:pk>/", detail_views.need_detail, name="need_detail"),
    path("<int:pk>/edit/", form_views.need_edit, name="need_edit"),
    path("<int:pk>/submit/", detail_views.need_submit, name="need_submit"),
    path("<int:pk>/triage/", detail_views.need_triage, name="need_triage"),
    path("<int:pk>/assign/", detail_views.need_assign, name="need_assign"),
    path("<int:pk>/competing/", detail_views.need_request_competing, name="need_request_competing"),
    path("<int:pk>/reject/", detail_views.need_reject, name="need_reject"),
    path("<int:pk>/cancel/", detail_views.need_cancel, name="need_cancel"),
    path("<int:pk>/gap/", detail_views.need_mark_gap, name="need_mark_gap"),
    path("<int:pk>/attachments/", detail_views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", detail_views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", detail_views.attachment_remove, name="attachment_remove"),
]
