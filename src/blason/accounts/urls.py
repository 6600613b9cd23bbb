from django.urls import path

from blason.accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("language/", views.set_language, name="set_language"),
    path("login/link/", views.login_link_request, name="login_link"),
    path("login/link/confirm/", views.login_link_confirm, name="login_link_confirm"),
    path("delete/", views.delete_account, name="delete"),
    path("phone/remove/", views.phone_remove, name="phone_remove"),
]
