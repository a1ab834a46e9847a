"""API tokens in admin: who holds one and until when; delete to revoke.

Replaces knox's own registration, which lists whole digests and lets an admin
make a key for someone else (shown in a message). Keys are made by their owner
(POST /api/v1/auth/tokens/) or an operator (manage.py create_token).
"""

from django.contrib import admin
from knox.models import AuthToken

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("digest_start", "user", "created", "expiry")
    list_filter = ("created", "expiry")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    date_hierarchy = "created"
    fields = ("digest_start", "user", "created", "expiry")
    readonly_fields = fields

    @admin.display(description="Digest (start)")
    def digest_start(self, obj: AuthToken) -> str:
        """Enough of the key's SHA-512 digest to tell tokens apart; never the key."""
        return obj.digest[:12] + "…"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
