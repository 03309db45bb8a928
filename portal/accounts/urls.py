from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from . import views

no_cache = method_decorator(never_cache, name="dispatch")

urlpatterns = [
    path("", views.account_home, name="account_home"),
    path("logowanie/", views.LoginView.as_view(), name="account_login"),
    path("logowanie/kod/", views.otp_verify, name="account_otp"),
    path("wyloguj/", views.LogoutView.as_view(), name="account_logout"),
    path("rejestracja/", views.signup, name="account_signup"),
    path("rejestracja/wyslano/", views.signup_done, name="account_signup_done"),
    path("weryfikacja/ponownie/", views.resend_verification, name="account_resend_verification"),
    path("weryfikacja/<str:token>/", views.verify_email, name="account_verify_email"),
    path("2fa/", views.two_factor, name="account_two_factor"),
    path("moje-dane/", views.data_export, name="account_data_export"),
    path("zatwierdzanie/", views.approval_list, name="account_approval_list"),
    path("zatwierdzanie/<int:pk>/zatwierdz/", views.approve, name="account_approve"),
    path("zatwierdzanie/<int:pk>/odrzuc/", views.reject, name="account_reject"),
    path("haslo/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "haslo/reset/wyslano/",
        no_cache(auth_views.PasswordResetDoneView).as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "haslo/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "haslo/reset/gotowe/",
        no_cache(auth_views.PasswordResetCompleteView).as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "haslo/zmiana/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "haslo/zmiana/gotowe/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
