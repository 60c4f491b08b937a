from accounts.selectors import user_organizations


def navigation(request):
    """The role the top bar is drawn for (staff, expert or customer) and the customer's
    organizations for the switcher (a lazy queryset: no query unless drawn)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None}
    if user.sees_everything:
        role = "staff"
    elif user.is_expert:
        role = "expert"
    else:
        role = "customer"
    return {"nav_role": role, "nav_organizations": user_organizations(user=user)}
