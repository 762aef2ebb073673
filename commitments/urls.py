from django.urls import path

from commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("mine/", views.my_commitments, name="mine"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("periods/", views.period_list, name="periods"),
    path("periods/add/", views.period_add, name="period_add"),
    path(
        "periods/<int:year>/Q<int:number>/lock/",
        views.period_change,
        {"state": "lock"},
        name="period_lock",
    ),
    path(
        "periods/<int:year>/Q<int:number>/open/",
        views.period_change,
        {"state": "open"},
        name="period_open",
    ),
    path(
        "periods/<int:year>/Q<int:number>/deadline/",
        views.period_deadline,
        name="period_deadline",
    ),
    path("import/", views.plan_import, name="import"),
    path("export/", views.plan_export, name="export"),
    path("<ref:ref>/", views.commitment_detail, name="detail"),
    path("<ref:ref>/edit/", views.commitment_edit, name="edit"),
    path("<ref:ref>/history/", views.commitment_history, name="history"),
    path("<ref:ref>/status/<int:year>/Q<int:number>/", views.status_edit, name="status_edit"),
]
