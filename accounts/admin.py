from allauth.account import admin as allauth_admin  # registers EmailAddress, wrapped below
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth import admin as auth_admin  # registers Group, wrapped below
from django.contrib.auth.models import Group

from accounts.models import User
from cases.admin.base import CheckedSelectionMixin


@admin.register(User)
class UserAdmin(CheckedSelectionMixin, auth_admin.UserAdmin):
    """Django's, with the check of admin action selections that every admin here has."""


class GroupAdmin(CheckedSelectionMixin, auth_admin.GroupAdmin):
    pass


class EmailAddressAdmin(CheckedSelectionMixin, allauth_admin.EmailAddressAdmin):
    pass


# Registered by their apps (imported above, so before this); registered again with the check.
for model, model_admin in ((Group, GroupAdmin), (EmailAddress, EmailAddressAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
