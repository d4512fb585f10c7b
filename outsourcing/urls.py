from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("users/<str:username>/", account_views.profile, name="profile"),
    path("", include("cases.urls")),
]
