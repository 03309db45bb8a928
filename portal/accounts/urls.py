from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "logowanie/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="account_login"
    ),
    path("wyloguj/", auth_views.LogoutView.as_view(), name="account_logout"),
]
