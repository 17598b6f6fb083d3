"""URL canonicalization and the rules for which URLs may be fetched at all.

Every link that reaches newswatch (feed entries, sitemaps, redirects) passes through
here twice: ``is_fetchable_url`` decides whether a request may be made, and
``canonical_url`` gives the one string under which the article is stored and
deduplicated: the store, not the crawl, decides what was seen, across runs and machines.
Private addresses are *not* judged here: a name can resolve anywhere, so the
private-address guard (``crawler.scrapy_components.address_guard``) runs after name
resolution and uses ``parse_ip_disguise`` and ``is_private_address``.

Library choice. ``w3lib.url`` (a Scrapy dependency) does the standards work:
``safe_url_string`` parses like a browser (WHATWG URL Standard: backslashes, tabs,
IDNA host encoding, IPv6 literals) and ``canonicalize_url`` applies RFC 3986
normalization (percent-encoding, dot segments, sorted query, no fragment). Scrapy
runs the same ``safe_url_string`` on every Request URL, so the host judged here is
the host Scrapy connects to; ``http://evil.example\\@good.example/`` is evil.example
for both, with no parser differential to exploit. ``courlan`` was evaluated and not
used: ``normalize_url`` turns punycode back into Unicode and keeps fragments,
``clean_url`` deletes spaces inside URLs, ``check_url`` rejects IP hosts and mixes
in crawl heuristics (language, navigation pages) that are not URL identity, and its
tracker pattern drops parameters that identify articles on some sites (``uid``,
``source``, ``session``); two articles sharing one canonical URL means one is never
fetched. The news-specific rules (tracking parameters, www/m/amp hosts, AMP paths,
index files, trailing slash, http to https) are short and listed below.

Backslashes are normalized to ``/`` before ``?``/``#``, as browsers and w3lib do for
http(s) URLs, rather than rejected: some CMSs publish them, and treating them the
way the fetcher will is what keeps host judgments honest.
"""

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, unquote_plus, urljoin, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

MAX_URL_LENGTH = 2048

_FETCHABLE_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SITE_PREFIXES = ("www.", "m.", "amp.")

# Parameters that say how a reader arrived, never which article it is. Exact names
# (compared lowercased) plus a few vendor prefixes; deliberately no broad patterns.
# fmt: off
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
    "twclid", "ttclid", "igshid", "igsh", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok",
    "cmpid", "cmp", "ocid", "taid", "smid", "ref", "ref_src", "ref_url", "_ga", "_gl",
    "_hsenc", "_hsmi", "ns_campaign", "ns_mchannel", "ns_source", "ns_linkname",
    "ns_fee", "at_medium", "at_campaign", "s_cid", "icid", "wt_mc", "wt_zmc", "xtor",
    "sr_share", "spm", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid",
    "soc_src", "soc_trk", "__twitter_impression",
})
# fmt: on
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "itm_", "hsa_")

_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")  # "_" occurs in real hosts
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_IPV4_PART = re.compile(r"0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*")
_SLASH_RUN = re.compile(r"/{2,}")
_AMP_SEGMENT = re.compile(r"/amp(?=/)")
_AMP_SUFFIX = re.compile(r"(?:/amp|\.amp)$")
_INDEX_FILE = re.compile(r"/index\.(?:html?|php)$")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def canonical_url(url: str, base: str | None = None) -> str | None:
    """One canonical form per article URL, or None when the URL must never be fetched/stored.

    ``url`` is first resolved against ``base`` (an ``xml:base`` or the feed URL). The
    result is a storage and dedupe key, not a fetch URL: it is always ``https`` even
    when the site publishes ``http``. Never raises: garbage in, None out.
    """
    try:
        return _canonical(url, base)
    except (ValueError, TypeError):  # malformed ports, IPv6 literals, IDNA labels
        return None


def is_fetchable_url(url: str) -> bool:
    """Whether a request may be made for ``url``: an absolute http(s) URL with a valid host.

    Rejects other schemes (``javascript:``, ``file:``, ``data:``, ``ftp:`` ...), URLs
    longer than MAX_URL_LENGTH, and any userinfo (``http://good.example@evil.example/``
    is a phishing disguise). Addresses are left to the private-address guard.
    """
    try:
        return isinstance(url, str) and _fetchable_parts(_prepare(url)) is not None
    except (ValueError, TypeError):
        return False


def host_of(url: str) -> str:
    """The host exactly as Scrapy keys its per-host download slot: lowercased, nothing stripped.

    Host leases partition work by this key, so one worker's slot limits are all the traffic a
    host gets. Returns "" when the URL has no host.
    """
    try:
        return (urlsplit(url).hostname or "")[:255]
    except ValueError:
        return ""


def site_of(url: str) -> str:
    """The site a URL belongs to: its host, lowercased, punycode, without www./m./amp.

    Returns "" when the URL has no valid host.
    """
    if not isinstance(url, str):
        return ""
    try:
        hostname = urlsplit(safe_url_string(_prepare(url))).hostname
    except (ValueError, TypeError):
        return ""
    if not hostname or _valid_host(hostname) is None:
        return ""
    return _canonical_host(hostname).strip("[]")


def is_private_address(ip: str) -> bool:
    """Whether an address must not be contacted when the private-address guard is on.

    True for loopback, link-local (169.254/16, fe80::/10), private and shared ranges,
    IPv6 ULA (fc00::/7) and site-local, reserved, documentation, multicast and
    unspecified addresses, and for IPv6 forms that embed such an IPv4 address
    (IPv4-mapped, IPv4-compatible, 6to4, NAT64). Numeric disguises are decoded first.
    A zone id (``fe80::1%eth0``, as getaddrinfo reports link-local addresses) is
    ignored. Raises ValueError when ``ip`` is not an IP address at all.
    """
    text = parse_ip_disguise(ip.split("%", 1)[0])
    if text is None:
        raise ValueError(f"not an IP address: {ip!r}")
    return _is_private(ipaddress.ip_address(text))


def parse_ip_disguise(host: str) -> str | None:
    """The IP address a numeric host really is, as plain text; None if ``host`` is a name.

    Follows the URL Standard's IPv4 parser, which is also what ``inet_aton`` accepts:
    ``2130706433``, ``0x7f.1``, ``0177.0.0.1`` and ``127.1`` are all ``127.0.0.1``.
    Bracketed or bare IPv6 is returned compressed, and an IPv4-mapped address as
    ``::ffff:a.b.c.d``. Numeric hosts out of range (``256.1.1.1``) are None too.
    """
    text = unicodedata.normalize("NFKC", host).strip().lower()
    if not text.isascii() or "%" in text:  # zone ids have no place in a URL host
        return None
    if text.startswith("[") and text.endswith("]"):
        return _ipv6_text(text[1:-1])
    if ":" in text:
        return _ipv6_text(text)
    return _ipv4_text(text)


def _canonical(url: str, base: str | None) -> str | None:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return None
    absolute = urljoin(_prepare(base), _prepare(url)) if isinstance(base, str) and base else _prepare(url)
    parts = _fetchable_parts(absolute)
    if parts is None:
        return None
    canon = urlsplit(canonicalize_url(parts.geturl()))
    host = _canonical_host(canon.hostname or "")
    # The result is https, so 443 goes too (else the form would change on a second pass).
    port = "" if canon.port in (None, 443, _DEFAULT_PORTS[canon.scheme]) else f":{canon.port}"
    query = "&".join(pair for pair in canon.query.split("&") if pair and not _is_noise(pair))
    result = f"https://{host}{port}{_canonical_path(canon.path)}{'?' + query if query else ''}"
    # A second pass settles the percent-encoding of odd characters ("[", ";") that the
    # first pass let through, so that canonical_url(canonical_url(u)) == canonical_url(u).
    result = canonicalize_url(result)
    return result if len(result) <= MAX_URL_LENGTH else None


def _prepare(url: str) -> str:
    """Apply the browser's input fixes that urllib does not: trim, drop tab/newline, ``\\`` → ``/``."""
    url = url.strip(_C0_AND_SPACE).translate(_TAB_OR_NEWLINE)
    end = len(_QUERY_OR_FRAGMENT.split(url, maxsplit=1)[0])
    return url[:end].replace("\\", "/") + url[end:]


def _fetchable_parts(url: str) -> SplitResult | None:
    """Split a prepared absolute URL the way Scrapy will fetch it, or None if it must not be."""
    if len(url) > MAX_URL_LENGTH:
        return None
    safe = safe_url_string(url)
    if len(safe) > MAX_URL_LENGTH:  # percent-encoding can triple the length
        return None
    parts = urlsplit(safe)
    if parts.scheme not in _FETCHABLE_SCHEMES or "@" in parts.netloc:
        return None
    if _valid_host(parts.hostname or "") is None:
        return None
    _ = parts.port  # raises ValueError for a non-numeric or out-of-range port
    return parts


def _valid_host(hostname: str) -> str | None:
    """``hostname`` (lowercased, IDNA-encoded) if it can name a server, else None."""
    if not hostname or len(hostname) > 253:
        return None
    if ":" in hostname:
        return hostname if _ipv6_text(hostname) else None
    labels = hostname.removesuffix(".").split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # A host ending in a number is an IPv4 address or invalid (URL Standard).
        return hostname if _ipv4_text(hostname) else None
    return hostname if all(_HOST_LABEL.fullmatch(label) for label in labels) else None


def _canonical_host(hostname: str) -> str:
    host = hostname.removesuffix(".")
    if ":" in host:
        return f"[{_ipv6_text(host)}]"
    if _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        return _ipv4_text(host) or host
    for prefix in _SITE_PREFIXES:
        if host.startswith(prefix) and "." in host[len(prefix) :]:
            return host[len(prefix) :]
    return host


def _canonical_path(path: str) -> str:
    path = _SLASH_RUN.sub("/", path)
    path = _AMP_SUFFIX.sub("", _AMP_SEGMENT.sub("", path))
    path = _INDEX_FILE.sub("/", path)
    return path.rstrip("/") or "/"


def _is_noise(pair: str) -> bool:
    """Whether a ``name=value`` query pair is tracking or an AMP switch."""
    name, _, value = pair.partition("=")
    name = unquote_plus(name).lower()
    if name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES) or name == "amp":
        return True
    return name == "outputtype" and unquote_plus(value).lower() == "amp"


def _ipv4_text(host: str) -> str | None:
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    *leading, last = [number for number in numbers if number is not None]
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(parts)):
        return None
    value = last + sum(number << (8 * (3 - index)) for index, number in enumerate(leading))
    return str(ipaddress.IPv4Address(value))


def _ipv4_number(part: str) -> int | None:
    if len(part) > 40 or not _IPV4_PART.fullmatch(part):
        return None
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


def _ipv6_text(text: str) -> str | None:
    if "%" in text:
        return None
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    mapped = address.ipv4_mapped
    return f"::ffff:{mapped}" if mapped else address.compressed


def _is_private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # the socket connects to the IPv4 address itself
            return _is_private(address.ipv4_mapped)
        embedded = _embedded_ipv4(address)
        if (embedded is not None and _is_private(embedded)) or address.is_site_local:
            return True
    return not address.is_global or address.is_multicast or address.is_reserved


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried by a 6to4, NAT64 or IPv4-compatible IPv6 address."""
    if address.sixtofour is not None:
        return address.sixtofour
    if int(address) >> 32 == 0 or address in _NAT64:  # ::a.b.c.d is deprecated but still routed
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
