from django.urls import path

from registers import views

app_name = "registers"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("heat-map/", views.heatmap_page, name="heatmap"),
    path("data-quality/", views.data_quality, name="quality"),
    path("issues/", views.issue_list, name="issues"),
    path("new/", views.risk_create, name="create"),
    path("import/", views.risk_import, name="import"),
    path("export/", views.risk_export, name="export"),
    path("<str:ref>/", views.risk_detail, name="detail"),
    path("<str:ref>/edit/", views.risk_edit, name="edit"),
    path("<str:ref>/history/", views.risk_history, name="history"),
    path("<str:ref>/review/", views.review_edit, name="review"),
    path("<str:ref>/end/", views.risk_end, name="end"),
    path("<str:ref>/accept/", views.risk_accept, name="accept"),
    path("<str:ref>/issue/", views.issue_edit, name="issue_edit"),
    path("<str:ref>/controls/add/", views.control_edit, name="control_add"),
    path("<str:ref>/controls/<int:pk>/", views.control_edit, name="control_edit"),
    path("<str:ref>/actions/add/", views.action_edit, name="action_add"),
    path("<str:ref>/actions/<int:pk>/", views.action_edit, name="action_edit"),
]
