from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("cases/<slug:slug>/", views.case_detail, name="detail"),
    path("cases/<slug:slug>/vote/", views.vote, name="vote"),
    path("cases/<slug:slug>/comments/", views.comment_create, name="comment_create"),
]
