"""The search page, its JSON API and autocomplete."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search.forms import SearchForm
from search.models import SearchQueryLog
from search.selectors import search_run_cached

RESULTS_PER_PAGE = 10


def _run(form):
    data = form.cleaned_data
    result = search_run_cached(
        data["q"],
        filters=form.filters(),
        sort=data.get("sort") or "relevance",
        page=data.get("page") or 1,
        per_page=RESULTS_PER_PAGE,
    )
    # Logged whether computed or cached: the analytics count searches, not engine work.
    if result.page == 1 and data["q"]:
        SearchQueryLog.objects.create(query=data["q"].lower()[:200], results=result.total)
    return result


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"]:
        result = _run(form)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "form": form,
            "search_query": form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else "",
            "result": result,
            "querystring": query.urlencode(),
        },
    )


AUTOCOMPLETE_LIMIT = 8


@require_GET
def autocomplete_api(request):
    """Titles containing every typed word (accents optional), for the search box's suggestion list."""
    from search.models import SearchEntry
    from search.polish import fold

    text = (request.GET.get("q") or "").strip()[:100]
    words = fold(text).split()
    if not words or len(text) < 2:
        return JsonResponse({"results": []})
    entries = SearchEntry.objects.all()
    for word in words[:6]:
        entries = entries.filter(title_folded__contains=word)
    rows = entries.order_by("-date").values("title", "url", "type")[:AUTOCOMPLETE_LIMIT]
    return JsonResponse({"results": list(rows)}, json_dumps_params={"ensure_ascii": False})


@require_GET
def search_api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("Invalid parameters."),
                "fields": {k: [str(e) for e in v] for k, v in form.errors.items()},
            },
            status=400,
        )
    if not form.cleaned_data["q"]:
        return JsonResponse(
            {"error": _("The parameter q is required."), "fields": {"q": [_("Required.")]}}, status=400
        )
    result = _run(form)
    return JsonResponse(
        {
            "count": result.total,
            "count_exact": result.exact,
            "page": result.page,
            "num_pages": result.num_pages,
            "results": [
                {
                    "title": h.title,
                    "url": request.build_absolute_uri(h.url),
                    "type": h.type,
                    "snippet": h.snippet,
                    "score": h.score,
                    "date": h.date.isoformat() if h.date else None,
                }
                for h in result.results
            ],
            "facets": result.facets,
            "suggestion": result.suggestion,
            "promoted": [
                {"title": p.title, "url": request.build_absolute_uri(p.url), "description": p.description}
                for p in result.promoted
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
