"""URL canonicalization and fetchability (crawler/core/urls.py): one canonical form per article
or none, only http(s), numeric disguises of addresses seen through."""

import random
from ipaddress import IPv6Address

import pytest

from crawler.core.urls import (
    MAX_URL_LENGTH,
    canonical_url,
    is_fetchable_url,
    is_private_address,
    parse_ip_disguise,
    site_of,
)

# (published URL, canonical form): one row per rule, named by the rule it shows.
CANONICAL = {
    "scheme and host are lowercased": ("HTTPS://EXAMPLE.com/Story", "https://example.com/Story"),
    "http becomes https": ("http://example.com/a", "https://example.com/a"),
    "default http port is dropped": ("http://example.com:80/a", "https://example.com/a"),
    "default https port is dropped": ("https://example.com:443/a", "https://example.com/a"),
    "other ports stay": ("http://example.com:8080/a", "https://example.com:8080/a"),
    "port 443 over http is the https default": ("http://example.com:443/a", "https://example.com/a"),
    "port 80 over https stays": ("https://example.com:80/a", "https://example.com:80/a"),
    "fragment is removed": ("https://example.com/a#comments", "https://example.com/a"),
    "utm parameters are removed": (
        "https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x",
        "https://example.com/a",
    ),
    "click ids are removed": (
        "https://example.com/a?fbclid=IwAR0&gclid=EAIa&msclkid=1",
        "https://example.com/a",
    ),
    "mailchimp and cms trackers are removed": (
        "https://example.com/a?mc_cid=1&mc_eid=2&cmpid=3&ocid=4&taid=5&smid=6&ref=7&ref_src=8",
        "https://example.com/a",
    ),
    "tracker names are matched case-insensitively": (
        "https://example.com/a?UTM_Source=x&CMP=share",
        "https://example.com/a",
    ),
    "meaningful parameters stay, sorted": (
        "https://example.com/article?page=2&id=123&utm_source=x",
        "https://example.com/article?id=123&page=2",
    ),
    "repeated parameters are kept": (
        "https://example.com/a?tag=b&tag=a",
        "https://example.com/a?tag=a&tag=b",
    ),
    "parameters that merely contain a tracker name stay": (
        "https://example.com/a?preference=1&story_ref=2",
        "https://example.com/a?preference=1&story_ref=2",
    ),
    "empty query is dropped": ("https://example.com/a?", "https://example.com/a"),
    "double slashes in the path collapse": ("https://example.com//2024//a", "https://example.com/2024/a"),
    "dot segments are resolved": ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    "trailing index.html is stripped": (
        "https://example.com/2024/story/index.html",
        "https://example.com/2024/story",
    ),
    "trailing index.php is stripped": (
        "https://example.com/section/index.php",
        "https://example.com/section",
    ),
    "trailing index.htm is stripped": ("https://example.com/index.htm", "https://example.com/"),
    "trailing slash is stripped": ("https://example.com/2024/story/", "https://example.com/2024/story"),
    "root keeps its slash": ("https://example.com", "https://example.com/"),
    "www prefix is removed": ("https://www.example.com/a", "https://example.com/a"),
    "mobile prefix is removed": ("https://m.example.com/a", "https://example.com/a"),
    "amp host prefix is removed": (
        "https://amp.theguardian.com/us-news/a",
        "https://theguardian.com/us-news/a",
    ),
    "a bare www host is not emptied": ("https://www.com/a", "https://www.com/a"),
    "amp path segment is removed": ("https://example.com/amp/2024/a", "https://example.com/2024/a"),
    "trailing amp segment is removed": ("https://example.com/2024/a/amp/", "https://example.com/2024/a"),
    "trailing .amp suffix is removed": (
        "https://www.bbc.co.uk/news/world-123.amp",
        "https://bbc.co.uk/news/world-123",
    ),
    "amp=1 switch is removed": ("https://example.com/a?amp=1", "https://example.com/a"),
    "outputType=amp is removed": ("https://example.com/a?outputType=amp&p=1", "https://example.com/a?p=1"),
    "other outputType values stay": (
        "https://example.com/a?outputType=print",
        "https://example.com/a?outputType=print",
    ),
    "a path that only starts with amp stays": (
        "https://example.com/ampersand",
        "https://example.com/ampersand",
    ),
    "percent escapes are normalized": (
        "https://example.com/%7euser/caf%c3%a9",
        "https://example.com/~user/caf%C3%A9",
    ),
    "non-ASCII path is percent-encoded": ("https://example.com/café", "https://example.com/caf%C3%A9"),
    "spaces are percent-encoded": ("https://example.com/a b", "https://example.com/a%20b"),
    "IDN host becomes punycode": ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
    "IDN lookalike (Cyrillic 'apple') becomes punycode (26)": (
        "https://\u0430\u0440\u0440\u04cf\u0435.com/",
        "https://xn--80ak6aa92e.com/",
    ),
    "fullwidth host is normalized": (
        "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/a",
        "https://example.com/a",
    ),
    "trailing dot in host is dropped": ("https://example.com./a", "https://example.com/a"),
    "surrounding whitespace is trimmed": ("  https://example.com/a \n", "https://example.com/a"),
    "tabs and newlines inside are dropped": ("https://exam\tple.com/a\n/b", "https://example.com/a/b"),
    "backslashes act as slashes (26)": ("http:\\\\example.com\\a\\b", "https://example.com/a/b"),
    "backslash before @ ends the host, as in browsers (26)": (
        "http://evil.example\\@good.example/",
        "https://evil.example/@good.example",
    ),
    "decimal IP disguise is decoded (23)": ("http://2130706433/", "https://127.0.0.1/"),
    "hex IP disguise is decoded (23)": ("http://0x7f.1/", "https://127.0.0.1/"),
    "octal IP disguise is decoded (23)": ("http://0177.0.0.1/", "https://127.0.0.1/"),
    # w3lib prints IPv6 with ipaddress, whose form of mapped addresses changed in Python 3.13.
    "IPv4-mapped IPv6 is normalized (23)": (
        "http://[::ffff:127.0.0.1]/",
        f"https://[{IPv6Address('::ffff:7f00:1')}]/",
    ),
    "IPv6 is compressed": ("http://[0:0:0:0:0:0:0:1]:8080/a", "https://[::1]:8080/a"),
}

# URLs that must never be fetched or stored.
REJECTED = {
    "javascript scheme (6)": "javascript:alert(document.cookie)",
    "javascript scheme in capitals with padding (6)": "  JAVASCRIPT:alert(1)",
    "javascript scheme split by a tab (6)": "java\tscript:alert(1)",
    "file scheme (6, 22)": "file:///etc/passwd",
    "data scheme (6, 22)": "data:text/html,<script>alert(1)</script>",
    "ftp scheme (6)": "ftp://files.example.com/a",
    "gopher scheme (22)": "gopher://127.0.0.1:6379/_FLUSHALL",
    "mailto scheme": "mailto:editor@example.com",
    "userinfo disguise (26)": "http://a@b",
    "userinfo with password (26)": "https://news.example.com:secret@evil.example/",
    "empty userinfo (26)": "http://@news.example.com/",
    "empty host": "http:///path",
    "relative URL without a base": "/2024/story",
    "scheme-relative URL without a base": "//news.example.com/a",
    "empty string": "",
    "space in host": "http://exa mple.com/",
    "empty label in host": "http://news..example.com/",
    "label starting with a hyphen": "http://-news.example.com/",
    "host ending in a non-IPv4 number": "http://example.123/",
    "out-of-range IPv4": "http://256.1.1.1/",
    "non-numeric port": "http://news.example.com:http/",
    "port out of range": "http://news.example.com:99999/",
    "broken IPv6 literal": "http://[::1/",
    "IPv6 zone id": "http://[fe80::1%25eth0]/",
    "3 KB URL (26)": "https://news.example.com/" + "a" * 3000,
    "URL that percent-encoding pushes past the cap": "https://news.example.com/" + "é" * 700,
}


@pytest.mark.parametrize(("url", "expected"), CANONICAL.values(), ids=CANONICAL.keys())
def test_canonical_url_applies_each_rule(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", REJECTED.values(), ids=REJECTED.keys())
def test_unfetchable_urls_have_no_canonical_form(url: str) -> None:
    assert canonical_url(url) is None
    assert not is_fetchable_url(url)


@pytest.mark.parametrize("url", [url for url, _ in CANONICAL.values()], ids=CANONICAL.keys())
def test_published_urls_with_a_canonical_form_are_fetchable(url: str) -> None:
    assert is_fetchable_url(url)


@pytest.mark.parametrize("canonical", [expected for _, expected in CANONICAL.values()], ids=CANONICAL.keys())
def test_canonical_url_is_idempotent(canonical: str) -> None:
    assert canonical_url(canonical) == canonical


def test_urls_differing_only_in_noise_share_one_canonical_form() -> None:
    variants = [
        "http://www.example.com/news/story/",
        "https://example.com/news/story?utm_source=twitter#top",
        "https://m.example.com/news/story/index.html",
        "https://amp.example.com/amp/news/story?amp=1",
        "HTTPS://EXAMPLE.COM:443//news/./story",
    ]
    assert {canonical_url(variant) for variant in variants} == {"https://example.com/news/story"}


def test_url_at_the_length_cap_is_kept_and_one_past_it_is_rejected() -> None:
    prefix = "https://news.example.com/"
    assert canonical_url(prefix + "a" * (MAX_URL_LENGTH - len(prefix))) is not None
    assert canonical_url(prefix + "a" * (MAX_URL_LENGTH - len(prefix) + 1)) is None


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("../b/c?utm_medium=rss", "http://feeds.example.com/x/y/feed.xml", "https://feeds.example.com/x/b/c"),
        ("/2024/a", "https://www.example.com/feed", "https://example.com/2024/a"),
        ("//cdn.example.net/a", "https://example.com/feed", "https://cdn.example.net/a"),
        ("https://other.example/a", "https://example.com/feed", "https://other.example/a"),
        ("\\\\evil.example\\x", "https://example.com/feed", "https://evil.example/x"),
        ("story", "https://example.com/dir/", "https://example.com/dir/story"),
    ],
)
def test_relative_urls_are_resolved_against_the_base_first(url: str, base: str, expected: str) -> None:
    assert canonical_url(url, base) == expected


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("javascript:alert(1)", "https://example.com/feed"),
        ("passwd", "file:///etc/"),
        ("a", "ftp://files.example.com/"),
        ("x", "javascript:alert(1)//"),
        ("x", "http://[::1"),
    ],
)
def test_resolving_against_a_hostile_base_gives_no_canonical_form(url: str, base: str) -> None:
    assert canonical_url(url, base) is None


@pytest.mark.parametrize("garbage", [None, 42, b"https://example.com/", object()])
def test_non_strings_are_never_urls(garbage: object) -> None:
    assert canonical_url(garbage) is None  # type: ignore[arg-type]
    assert canonical_url("a", base=garbage) is None  # type: ignore[arg-type]
    assert not is_fetchable_url(garbage)  # type: ignore[arg-type]
    assert site_of(garbage) == ""  # type: ignore[arg-type]


def test_canonical_url_never_raises_and_agrees_with_is_fetchable_url() -> None:
    rng = random.Random(20240601)
    pieces = [
        *"htps:/\\?#[]@%.0123456789abcxyz-_~ \t\né中&=;+",
        "http://",
        "https://",
        "[::",
        "0x",
        "..",
        "xn--",
        "%2e",
        "%zz",
        "%00",
        ":80",
        "javascript:",
        "\ufeff",
    ]
    for _ in range(5000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        if rng.random() < 0.5:
            url = "http://" + url
        canonical = canonical_url(url, rng.choice([None, "https://example.com/a/", "http://[::1", url]))
        assert canonical is None or canonical.startswith("https://")
        plain = canonical_url(url)
        assert is_fetchable_url(url) == (plain is not None), url
        assert plain is None or canonical_url(plain) == plain, url


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.Example.com/a", "example.com"),
        ("http://m.example.co.uk/a", "example.co.uk"),
        ("https://amp.theguardian.com/a", "theguardian.com"),
        ("https://news.example.com:8443/a", "news.example.com"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("http://2130706433/", "127.0.0.1"),
        ("http://[::1]/", "::1"),
        ("/relative/path", ""),
        ("javascript:alert(1)", ""),
        ("http://exa mple.com/", ""),
    ],
)
def test_site_of_names_the_host_without_www_m_amp(url: str, site: str) -> None:
    assert site_of(url) == site


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("\uff11\uff12\uff17.\uff10.\uff10.\uff11", "127.0.0.1"),
        ("3232235777", "192.168.1.1"),
        ("4294967295", "255.255.255.255"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[::ffff:7f00:1]", "::ffff:127.0.0.1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
        ("fe80::1", "fe80::1"),
    ],
)
def test_parse_ip_disguise_decodes_numeric_hosts(host: str, address: str) -> None:
    assert parse_ip_disguise(host) == address


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "localhost",
        "1.2.3.4.5",
        "4294967296",
        "256.0.0.1",
        "08.0.0.1",
        "1..2",
        "0x7g.1",
        "[::1",
        "[fe80::1%eth0]",
        "\u0661\u0662\u0667.0.0.1",
        "",
        "1" * 5000,
    ],
)
def test_parse_ip_disguise_returns_none_for_names_and_impossible_numbers(host: str) -> None:
    assert parse_ip_disguise(host) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.10",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a9fe:a9fe",
        "2130706433",
        "0x7f.1",
        "[::ffff:127.0.0.1]",
        "fe80::1%eth0",
    ],
)
def test_is_private_address_blocks_internal_addresses_and_disguises(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"]
)
def test_is_private_address_allows_public_addresses(address: str) -> None:
    assert not is_private_address(address)


@pytest.mark.parametrize("name", ["example.com", "localhost", ""])
def test_is_private_address_refuses_names(name: str) -> None:
    with pytest.raises(ValueError, match="not an IP address"):
        is_private_address(name)


def test_private_addresses_stay_fetchable_because_the_guard_judges_them_after_resolution() -> None:
    # Tests that serve from 127.0.0.1 turn the guard off; the URL rules must not block them.
    assert is_fetchable_url("http://127.0.0.1:8080/feed.xml")
    assert canonical_url("http://127.0.0.1:8080/a") == "https://127.0.0.1:8080/a"
