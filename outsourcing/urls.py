from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("users/me/perspective/", account_views.perspective_update, name="perspective_update"),
    path("users/<str:username>/", account_views.profile, name="profile"),
    path("", include("cases.urls")),
]

handler400 = "cases.views.errors.bad_request"
