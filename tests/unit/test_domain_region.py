"""Which Pylon region a token belongs to (issue 9 item 2): the documented prefixes
(`pylon_api_eu_` = EU, `pylon_api_` = US) win over pylon.region, a base_url wins over both,
and a disagreement is one line naming the fix, never the token."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pylon_tui.domain.region import (
    choose_region,
    region_named_in,
    region_of_url,
    token_kind,
    token_region,
)


@pytest.mark.parametrize(
    ("token", "region"),
    [
        ("pylon_api_eu_4f2a9c", "eu"),
        ("pylon_api_4f2a9c", "us"),
        ("pylon_api_europe_4f2a9c", "us"),  # only the exact EU prefix is EU
        ("PYLON_API_EU_4f2a9c", None),  # prefixes are lower case
        ("eu_4f2a9c", None),
        ("legacy-token-without-prefix", None),
        ("", None),
        (None, None),
    ],
)
def test_token_region(token: str | None, region: str | None) -> None:
    assert token_region(token) == region


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("this API token belongs to another region: use https://api.eu.usepylon.com", "eu"),
        ("wrong region, use api.usepylon.com instead", "us"),
        ("Use HTTPS://API.EU.USEPYLON.COM/", "eu"),
        ("wrong_region_token", None),
        ("see notapi.usepylon.community", None),
    ],
)
def test_region_named_in_a_message(text: str, region: str | None) -> None:
    assert region_named_in(text) == region


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://api.usepylon.com", "us"),
        ("https://api.eu.usepylon.com/", "eu"),
        ("https://api.eu.usepylon.com:443", "eu"),
        ("http://127.0.0.1:8765", None),
        ("https://pylon-proxy.internal", None),
        ("https://api.usepylon.com.evil.example", None),
    ],
)
def test_region_of_url(url: str, region: str | None) -> None:
    assert region_of_url(url) == region


def test_the_token_wins_over_the_config_and_says_so() -> None:
    choice = choose_region("us", "eu")
    assert choice.region == "eu"
    assert not choice.agrees
    assert "pylon.region is 'us'" in choice.note
    assert "an EU token" in choice.note
    assert "pylon_api_eu_" in choice.note
    assert "https://api.eu.usepylon.com" in choice.note
    assert "pylon.region = 'eu'" in choice.note
    back = choose_region("eu", "us")
    assert (back.region, "a US token" in back.note) == ("us", True)


@pytest.mark.parametrize(
    ("configured", "said", "region"), [("us", "us", "us"), ("eu", "eu", "eu"), ("eu", None, "eu")]
)
def test_agreement_or_no_prefix_keeps_the_config(
    configured: str, said: str | None, region: str
) -> None:
    choice = choose_region(configured, said)
    assert (choice.region, choice.from_token, choice.note) == (region, said, "")


def test_a_base_url_wins_and_only_a_contradicting_pylon_host_is_noted() -> None:
    proxy = choose_region("us", "eu", base_url="http://127.0.0.1:8765")
    assert (proxy.region, proxy.note) == ("us", "")
    host = choose_region("us", "eu", base_url="https://api.usepylon.com")
    assert host.region == "us"  # the URL is what requests use
    assert "base_url is the US host" in host.note
    assert "https://api.eu.usepylon.com" in host.note
    same = choose_region("us", "eu", base_url="https://api.eu.usepylon.com")
    assert (same.region, same.note) == ("eu", "")


def test_token_kind_grammar() -> None:
    assert (token_kind("eu"), token_kind("us")) == ("an EU token", "a US token")


@settings(max_examples=200, deadline=None)
@given(
    secret=st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=8, max_size=40),
    prefix=st.sampled_from(["pylon_api_eu_", "pylon_api_", ""]),
    configured=st.sampled_from(["us", "eu"]),
    base_url=st.sampled_from([None, "https://api.usepylon.com", "https://api.eu.usepylon.com"]),
)
def test_property_a_note_never_repeats_the_token(
    secret: str, prefix: str, configured: str, base_url: str | None
) -> None:
    assume(any(ch.isdigit() for ch in secret))  # the notes' fixed text has no digits
    token = prefix + secret
    choice = choose_region(configured, token_region(token), base_url=base_url)
    assert token not in choice.note
    assert secret not in choice.note
    assert choice.region in ("us", "eu")
