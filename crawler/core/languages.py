"""Language codes a configuration may name: ISO 639-1, the primary subtag pages declare and the
store keeps ("en", "es")."""

from __future__ import annotations

__all__ = ["ISO_639_1", "language_list_problem"]

_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu
"""
ISO_639_1 = frozenset(_CODES.split())


def language_list_problem(value: object) -> str | None:
    """What is wrong with a `languages` list, or None: it must be a non-empty list of ISO 639-1
    codes, lowercase, each once."""
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of ISO 639-1 language codes, e.g. [en, es]"
    for code in value:
        if not isinstance(code, str) or code not in ISO_639_1:
            return f"{code!r} is not an ISO 639-1 language code (two lowercase letters, e.g. en, es)"
    if len(set(value)) != len(value):
        return "names a language twice"
    return None
