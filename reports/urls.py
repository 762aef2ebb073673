from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.paper_list, name="list"),
    path("new/", views.paper_create, name="create"),
    path("<int:pk>/", views.paper_edit, name="edit"),
    path("<int:pk>/preview/", views.paper_preview, name="preview"),
    path("<int:pk>/pdf/", views.paper_download, name="pdf"),
    path("<int:pk>/publish/", views.paper_publish_view, name="publish"),
]
