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
    path("<ref:ref>/", views.risk_detail, name="detail"),
    path("<ref:ref>/edit/", views.risk_edit, name="edit"),
    path("<ref:ref>/history/", views.risk_history, name="history"),
    path("<ref:ref>/review/", views.review_edit, name="review"),
    path("<ref:ref>/end/", views.risk_end, name="end"),
    path("<ref:ref>/accept/", views.risk_accept, name="accept"),
    path("<ref:ref>/issue/", views.issue_edit, name="issue_edit"),
    path("<ref:ref>/controls/add/", views.control_edit, name="control_add"),
    path("<ref:ref>/controls/<int:pk>/", views.control_edit, name="control_edit"),
    path("<ref:ref>/actions/add/", views.action_edit, name="action_add"),
    path("<ref:ref>/actions/<int:pk>/", views.action_edit, name="action_edit"),
]
