from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import notification_views
from accounts import views as account_views
from cases import sitemaps

# The admin's own login form has no throttle: staff log in through allauth's, which is
# rate-limited per IP and per account (ACCOUNT_RATE_LIMITS), and come back to the admin.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # For crawlers: absolute addresses, the sitemap in every language (cases/sitemaps.py).
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The language switch (csrf_exempt, see there): Django's, keeping a signed-in person's choice.
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    # One's own account: email and password (allauth's pages), perspective, language.
    path("account/", account_views.account_settings, name="account_settings"),
    path("users/me/perspective/", account_views.perspective_update, name="perspective_update"),
    # Notifications (accounts/notification_views.py): the page, marking read, the digests.
    path("notifications/", notification_views.notifications, name="notifications"),
    path(
        "notifications/read/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path("account/digests/", notification_views.digest_update, name="digest_update"),
    # The digest emails' link: no login, the signed token is the permission.
    path(
        "notifications/unsubscribe/",
        notification_views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
    path("users/<str:username>/", account_views.profile, name="profile"),
    path("", include("cases.urls")),
]

handler400 = "cases.views.errors.bad_request"
handler403 = "cases.views.errors.permission_denied"
handler404 = "cases.views.errors.page_not_found"
handler429 = "cases.views.errors.too_many_requests"  # allauth's rate limits answer with it
