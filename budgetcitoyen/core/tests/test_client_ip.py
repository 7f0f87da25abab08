"""The client's address behind our proxies: never what the client wrote in X-Forwarded-For."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from budgetcitoyen.core.ratelimit import client_ip


def request(forwarded: str | None = None, remote: str = "10.0.0.1") -> HttpRequest:
    made = RequestFactory().get("/")
    made.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_header_is_ignored():
    assert client_ip(request("203.0.113.7")) == "10.0.0.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_counts():
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"
    # A client that writes its own header cannot choose its address: our proxy appended the real one.
    assert client_ip(request("1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("1.2.3.4,203.0.113.7 ")) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_from_the_right_counts():
    assert client_ip(request("1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    assert client_ip(request("2001:db8::1, 10.0.0.9")) == "2001:db8::1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_missing_or_unreadable_header_falls_back_to_the_connection():
    assert client_ip(request()) == "10.0.0.1"
    assert client_ip(request("")) == "10.0.0.1"
    assert client_ip(request("pas-une-adresse")) == "10.0.0.1"
