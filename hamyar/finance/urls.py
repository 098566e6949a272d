from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("to-bill/", views.billing_queue, name="billing_queue"),
    path("to-bill/deliveries/<int:pk>/", views.invoice_from_delivery, name="invoice_from_delivery"),
    path("to-bill/payment-requests/<int:pk>/", views.invoice_from_payment_request,
         name="invoice_from_payment_request"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/payments/", views.payment_record, name="payment_record"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/xlsx/", views.invoice_xlsx, name="invoice_xlsx"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("statement/", views.statement_mine, name="statement_mine"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/settle/", views.commission_settle, name="commission_settle"),
    path("agreements/<int:pk>/commission/", views.commission_calculate, name="commission_calculate"),
]
