from django.http import HttpResponseNotAllowed


def post_required_after_lookup(request):
    """Use after the object was fetched through a selector, so another tenant gets 404 on
    every method (R-TENANT) and only a permitted user learns the method is wrong."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None
