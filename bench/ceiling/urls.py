from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path


def hit(request: HttpRequest) -> HttpResponse:
    """One INSERT per request, autocommitted: the cheapest request that writes."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO hit (at) VALUES (now())")
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("hit/", hit)]
