"""Tenant visibility helpers (R-TENANT).

Each model keeps its visibility rule in one queryset method, ``visible_to(user)``;
selectors start from it. What a user may not see and what does not exist look alike: 404.
"""

from django.http import Http404


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one row the user may see, or raise 404 whether it is missing or forbidden."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from None


def require_staff(user) -> None:
    """Staff pages answer 404 to everyone else: they are not to be discovered."""
    if not (user.is_authenticated and user.sees_everything):
        raise Http404("Not found.")
