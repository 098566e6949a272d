"""What the shell (navigation, user badge) needs on every page."""

from hamyar.accounts.scoping import membership_of


def shell(request):
    return {"membership": membership_of(getattr(request, "user", None))}
