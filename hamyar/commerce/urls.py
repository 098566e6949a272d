"""Commerce pages: quotations (with the approval chain and comparison), pricing, the policy, and orders
(deliveries, receipts), group purchases."""
from .views import complaints, group_documents, group_purchases, orders, policy, pricing, quotations

app_name = "commerce"
urlpatterns = (quotations.urlpatterns + pricing.urlpatterns + policy.urlpatterns + orders.urlpatterns
               + group_purchases.urlpatterns + group_documents.urlpatterns + complaints.urlpatterns)
