from django.http import HttpResponse
from django.urls import path


def order_detail(request, pk):
    return HttpResponse("")


urlpatterns: list = [path("orders/<int:pk>/", order_detail, name="order_detail")]
