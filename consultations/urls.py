from django.urls import path, re_path

from consultations import views

CASE = r"^KONS/(?P<year>\d{4})/(?P<seq>\d{5})/"

urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("nowa/", views.consultation_new, name="consultation_new"),
    path("podobne/", views.similar, name="consultation_similar"),
    path("panel/", views.dashboard, name="consultation_dashboard"),
    path("powiadomienia/", views.notification_list, name="consultation_notifications"),
    re_path(CASE + r"$", views.consultation_detail, name="consultation_detail"),
    re_path(CASE + r"pliki/(?P<pk>\d+)/$", views.attachment_download, name="consultation_attachment"),
    re_path(CASE + r"publikacja/$", views.consultation_knowledge, name="consultation_knowledge"),
    re_path(CASE + r"(?P<name>[a-z_]+)/$", views.consultation_action, name="consultation_action"),
]
