from .views import orders, quotations

app_name = "commerce"
urlpatterns = quotations.urlpatterns + orders.urlpatterns
