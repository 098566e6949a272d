"""What every page view shares: sign-in, role check, service errors as 4xx, and HTMX fragments.

Sign-in is the rule and a public page the marked exception: `SignInRequiredMiddleware` sends an
anonymous request to the sign-in page unless its view is marked with `public` (or `page(public=True)`),
and `page` checks again, so a view that forgets either is still closed.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied, TooManyRequests
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.core.throttle import public_read_wait

PAGE_SIZE = 50


def public(view: Callable) -> Callable:
    """Mark a view that an anonymous visitor may open: signing in and out, the language switch, the
    favicon, the transparency pages. What such a view reads, it reads as the public reader: `scope`
    gives that reader only rows its model declares published."""
    return login_not_required(view)


def is_public(view: Callable) -> bool:
    return getattr(view, "login_required", True) is False


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Anonymous requests reach only views marked `public`; every other view sends them to sign in.

    The admin keeps its own gate (its sign-in page, staff only) and the API its own (401 per route:
    `HamyarAPI` marks its URLs public and each operation authenticates unless it says `auth=None`).
    """

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple[Any, ...],
                     view_kwargs: dict[str, Any]) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def page(*, roles: Iterable[Role] | None = None, model: type[Model] | None = None,
         public: bool = False) -> Callable:
    """Decorate a page view.

    Anonymous users go to the sign-in page, unless the page is `public` (then it reads as the public
    reader and has no `roles`); a role outside `roles` gets 403; a service's NotFound becomes 404 and
    its PermissionDenied 403. `model` names the model whose rows the page shows (the route tests read
    it from the URLconf).
    """
    if public and roles is not None:
        raise ValueError("A public page has no roles: an anonymous visitor has none.")
    allowed = frozenset(roles) if roles is not None else None

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not public and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if public and (wait := public_read_wait(request)) is not None:
                response = render(request, "web/error.html", {"error": TooManyRequests()}, status=429)
                response["Retry-After"] = str(wait)
                return response
            try:
                if allowed is not None:
                    require_role(request.user, *allowed)
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404 from None
            except PermissionDenied:
                raise DjangoPermissionDenied from None
            except ApplicationError as error:
                return render(request, "web/error.html", {"error": error}, status=error.status)

        wrapper.page_roles = allowed  # type: ignore[attr-defined]
        wrapper.page_model = model  # type: ignore[attr-defined]
        return login_not_required(wrapper) if public else wrapper

    return decorate


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request that swaps only the results, not a boosted navigation or a history restore."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    if htmx is None:
        return False
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_list(request: HttpRequest, *, template: str, fragment: str, rows: QuerySet[Any] | Sequence[Any],
                context: dict[str, Any] | None = None, per_page: int = PAGE_SIZE) -> HttpResponse:
    """One view, two answers: the full page, or for live search only its results fragment."""
    page_obj = Paginator(rows, per_page).get_page(request.GET.get("page"))
    ctx = {"page_obj": page_obj, "object_list": page_obj.object_list, "fragment": fragment, **(context or {})}
    response = render(request, fragment if wants_fragment(request) else template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


def place_service_error(error: ApplicationError, forms: Iterable[Any]) -> bool:
    """Put a refused service call where the page shows it: True when its message went on a form.

    403 and 404 are raised again for the page decorator; bad input (422) goes on the forms that sent
    it; anything else (a refused state, 409) is for the caller to show above the object.
    """
    if error.status in (403, 404):
        raise error
    forms = [form for form in forms if hasattr(form, "add_service_error")]
    if not isinstance(error, InvalidInput) or not forms:
        return False
    for form in forms:
        form.add_service_error(error)
    return True


def page_action(request: HttpRequest, act: Callable[[], Any], *, redirect_to: str | Callable[[Any], str],
                show: Callable[[ApplicationError | None], HttpResponse], success: str | None = None,
                forms: Iterable = ()) -> HttpResponse:
    """POST an action on a detail page: on success say so and go to `redirect_to`; on refusal stay there.

    403 and 404 go up to the page decorator; bad input is put on the `forms` that sent it (then `show`
    gets None: the forms carry the message); any other refusal, such as a state that does not allow the
    step (409), is passed to `show` to be drawn above the object. The page answers with the refusal's
    status, so a script or a test sees the same code the API gives. `redirect_to` may be a function of
    what `act` returned, for an action that makes the row to go to.
    """
    try:
        result = act()
    except ApplicationError as error:
        placed = place_service_error(error, forms)
        response = show(None if placed else error)
        response.status_code = error.status
        return response
    if success:
        messages.success(request, success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
