from django.urls import path

from .views import commissions, invoices, statements

app_name = "finance"
urlpatterns = [
    path("", invoices.invoice_list, name="invoice_list"),
    path("to-bill/", invoices.billing_queue, name="billing_queue"),
    path("to-bill/deliveries/<int:pk>/", invoices.invoice_from_delivery, name="invoice_from_delivery"),
    path("to-bill/payment-requests/<int:pk>/", invoices.invoice_from_payment_request,
         name="invoice_from_payment_request"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/issue/", invoices.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/payments/", invoices.payment_record, name="payment_record"),
    path("invoices/<int:pk>/void/", invoices.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/xlsx/", invoices.invoice_xlsx, name="invoice_xlsx"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/pdf/", statements.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/xlsx/", statements.statement_xlsx, name="statement_xlsx"),
    path("statement/", statements.statement_mine, name="statement_mine"),
    path("commissions/", commissions.commission_list, name="commission_list"),
    path("commissions/<int:pk>/", commissions.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/settle/", commissions.commission_settle, name="commission_settle"),
    path("agreements/<int:pk>/commission/", commissions.commission_calculate, name="commission_calculate"),
]
