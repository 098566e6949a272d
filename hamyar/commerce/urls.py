"""Commerce pages: quotations (with the approval chain and comparison), pricing, the policy, and orders
(deliveries, receipts)."""
from .views import orders, policy, pricing, quotations

app_name = "commerce"
urlpatterns = quotations.urlpatterns + pricing.urlpatterns + policy.urlpatterns + orders.urlpatterns
