"""The client's address: REMOTE_ADDR unless trusted proxies forward it."""

import pytest
from django.test import RequestFactory

from predictions.clients import client_address, parse_address


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/drug", **extra)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        (" 203.0.113.7 ", "203.0.113.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("[2001:db8::1]:51234", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("[::ffff:203.0.113.7]:443", "203.0.113.7"),
        ("unknown", None),
        ("", None),
        ("[2001:db8::1", None),
        ("203.0.113.7:80:90", None),
        ("999.1.1.1", None),
    ],
)
def test_parse_address_takes_ip_ip_port_and_bracketed_v6_forms(text, address):
    assert parse_address(text) == address


def test_without_proxies_the_forwarded_header_is_the_clients_to_forge(settings):
    settings.DRUGSITE_NUM_PROXIES = 0
    request = request_from("198.51.100.9", "10.0.0.1")
    assert client_address(request) == "198.51.100.9"


def test_behind_one_proxy_the_address_is_the_one_it_appended(settings):
    settings.DRUGSITE_NUM_PROXIES = 1
    forged_then_real = request_from("127.0.0.1", "10.9.9.9, 203.0.113.7")
    assert client_address(forged_then_real) == "203.0.113.7"


def test_behind_two_proxies_the_address_is_the_second_from_the_right(settings):
    settings.DRUGSITE_NUM_PROXIES = 2
    request = request_from("127.0.0.1", "10.9.9.9, 203.0.113.7:51234, 10.0.0.5")
    assert client_address(request) == "203.0.113.7"


def test_azure_front_end_ip_and_port_forms_are_understood(settings):
    settings.DRUGSITE_NUM_PROXIES = 1
    assert client_address(request_from("10.0.0.2", "203.0.113.7:61000")) == (
        "203.0.113.7"
    )
    assert client_address(request_from("10.0.0.2", "[2001:db8::7]:61000")) == (
        "2001:db8::7"
    )


def test_behind_a_proxy_a_request_without_the_header_is_remote_addr(settings):
    settings.DRUGSITE_NUM_PROXIES = 1
    assert client_address(request_from("192.0.2.4")) == "192.0.2.4"


def test_an_entry_that_is_not_an_address_is_none(settings):
    settings.DRUGSITE_NUM_PROXIES = 1
    assert client_address(request_from("127.0.0.1", "evil")) is None
