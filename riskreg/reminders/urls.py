from django.urls import path

from riskreg.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.people, name="people"),
    path("preferences/", views.preferences, name="preferences"),
    path("preview/", views.preview, name="preview"),
    path("preview/email/", views.preview_email, name="preview_email"),
]
