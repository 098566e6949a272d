from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notification_read_all, name="notification_read_all"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
