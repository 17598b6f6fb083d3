"""Near-duplicates: MinHash signatures of word shingles, banded for indexed lookup.

A syndicated copy keeps the original's sentences but not its page: another site's furniture,
a new headline, a local paragraph, the end cut off. Word shingles of the normalized text see
through all of that. A MinHash signature estimates how many shingles two texts share without
keeping the texts, and LSH bands turn "similar" into "shares one indexed key", so a lookup
costs a few index probes however large the store grows (``crawler.store.neardup_index``).

The signature is one-permutation MinHash with optimal densification (Shrivastava, ICML 2017):
each shingle is hashed once (64-bit blake2b), the low bits pick one of ``slots`` slots and the
rest compete for that slot's minimum; a slot that no shingle reached copies the slot its fixed
pseudo-random probe sequence reaches first. As with ``slots`` independent permutations, each
slot agrees between two texts with probability equal to their Jaccard similarity, but it
costs one hash per shingle, which is why it beat datasketch's and numpy's permutation MinHash
in pure Python (the README's measured table has the figures) without bringing numpy or scipy.

Every hash is keyed bytes through blake2b, never Python's ``hash()`` (salted per process), so
signatures and band keys are the same in every process, on every machine, in every run.

A copy with its end cut off or a paragraph added is a *containment* case: most of the shorter
text lies inside the longer one, though their Jaccard similarity may be well below one half.
The decision therefore uses the estimated containment (shared shingles over the smaller
text's), computed from the signatures and the stored shingle counts, with a Jaccard floor
that keeps a short brief quoted inside a long roundup from counting as the same story.

Defaults were chosen on the labelled set of bench/build_dedup_set.py (copies of NAEB articles
as syndicating outlets make them, and hard negatives; its size and scores are in the README),
scored by bench/eval_dedup.py with its ``--sweep``; the reasons are beside ``Scheme`` and
``Thresholds``.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from functools import cached_property

from crawler.dedup.content_hash import normalize_text

_MASK64 = (1 << 64) - 1
# A slot keeps 16 bits of its minimum (b-bit minwise hashing, Li & König 2010): the low bits of the
# winning hash, which are uniform, so two unrelated texts agree on a slot by chance once in 65,536,
# far below the thresholds' margins, and a signature takes 256 bytes.
_SLOT_BITS_MASK = 0xFFFF


@dataclass(frozen=True)
class Scheme:
    """How texts become signatures. Changing any field makes new signatures incomparable with stored ones.

    ``bands`` times ``rows`` slots feed the lookup keys: two texts with Jaccard similarity J share
    at least one key with probability 1 - (1 - J**rows)**bands.
    """

    # 3, 4 and 5 words find the same copies (recall within 0.1 point); 5 shares least between
    # unrelated articles, so fewer false candidates: ~8 per lookup at 1M stored vs ~15 for 4
    # words (from the NAEB articles' pairwise similarity).
    shingle_words: int = 5
    # 128 slots estimate Jaccard within about ±0.04 near the thresholds.
    slots: int = 128  # a power of two: the low bits of a hash pick the slot
    # 2 rows: a copy with J = 0.3 shares a key with probability 0.95, J = 0.4 with 0.995; 4 rows
    # missed 2% of copies (short stories cut and given a local paragraph). 48 or 64 bands found
    # one more copy in 2,100 at 1.5-2 times the index rows; 24 bands found as many as 32 but
    # with less headroom (0.79 at J = 0.25).
    bands: int = 32
    rows: int = 2
    min_shingles: int = 20  # shorter texts get no signature; the exact content hash covers them

    def __post_init__(self) -> None:
        if self.slots & (self.slots - 1) or self.bands * self.rows > self.slots:
            raise ValueError("slots must be a power of two and hold bands * rows")

    @property
    def tag(self) -> bytes:
        """Salt of the band keys, so that keys of different schemes never meet in the index."""
        return f"{self.shingle_words}/{self.slots}/{self.rows}".encode()


DEFAULT_SCHEME = Scheme()


@dataclass(frozen=True)
class Thresholds:
    """When a candidate counts as the same story; both bounds must hold.

    ``min_containment``: share of the shorter text's shingles found in the longer one.
    ``min_jaccard``: floor on overall similarity, so a short text quoted inside a long one
    is not a copy of it.

    The defaults sit inside the region where the labelled set has no wrong link, one sweep
    step from its edges on both axes (0.5/0.25 and 0.6/0.1 are still clean; 0.5/0.2 is not):
    hard negatives reach containment 0.48 (a follow-up quoting half of a short story) and
    Jaccard 0.15 (different stories framed by the same boilerplate). Copies missed at these
    values are mostly 120-200-word stories cut by 30% and given a local paragraph.
    """

    min_containment: float = 0.6
    min_jaccard: float = 0.25
    # A cut copy (crawler.dedup.lead): the same opening words, and most of the shorter text
    # inside the longer; a quoted brief shares the words but not the opening.
    min_lead_similarity: float = 0.5
    # Counted exactly from both texts. A wire cut copy edits a word or two in many sentences (a
    # tense, a title, a number), each edit costing five shingles: on the real republications
    # (bench/eval_republications.py, development split) 0.5 is the lowest value with no wrong
    # link and 0.45 links a different story, so 0.55, one step inside.
    min_cut_containment: float = 0.55
    # Estimated containment worth reading the stored text for: the estimate of a short copy is
    # off by 0.2 and more (0.40 estimated for 0.62 counted), so 0.35, not 0.45.
    min_cut_estimate: float = 0.35
    # Below the copy bounds, what may still be another version of the story (a write-thru:
    # crawler.dedup.stories decides); unrelated articles on one event stay under both.
    min_story_jaccard: float = 0.08
    min_story_containment: float = 0.3


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class MinHashSignature:
    """A text's MinHash signature and its number of distinct shingles; band keys derive from them."""

    values: tuple[int, ...]  # one b-bit minimum per slot
    shingle_count: int
    scheme: Scheme = field(default=DEFAULT_SCHEME, compare=False)

    @cached_property
    def band_keys(self) -> tuple[int, ...]:
        """One signed 64-bit key per band (an indexed BIGINT column): a hash of the band's slots."""
        scheme, keys = self.scheme, []
        for band in range(scheme.bands):
            values = self.values[band * scheme.rows : (band + 1) * scheme.rows]
            payload = scheme.tag + struct.pack(f"<H{len(values)}H", band, *values)
            digest = hashlib.blake2b(payload, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return tuple(keys)

    def to_bytes(self) -> bytes:
        """The signature as little-endian 16-bit integers (for a binary column)."""
        return struct.pack(f"<{len(self.values)}H", *self.values)

    @classmethod
    def from_stored(
        cls, signature: bytes, shingle_count: int, scheme: Scheme = DEFAULT_SCHEME
    ) -> MinHashSignature:
        """Rebuild a signature from what the store keeps (``to_bytes`` and the count)."""
        return cls(struct.unpack(f"<{len(signature) // 2}H", signature), shingle_count, scheme)


def shingles(text: str, words: int = DEFAULT_SCHEME.shingle_words) -> set[str]:
    """Distinct runs of ``words`` consecutive words of the normalized text.

    Case, punctuation and whitespace are normalized away first (``normalize_text``), so
    curly or straight quotes and rewrapped lines give the same shingles.
    """
    return _shingles_of_normalized(normalize_text(text), words)


def _shingles_of_normalized(normalized: str, words: int) -> set[str]:
    tokens = normalized.split()
    return {" ".join(tokens[i : i + words]) for i in range(len(tokens) - words + 1)}


def minhash_signature(text: str, scheme: Scheme = DEFAULT_SCHEME) -> MinHashSignature | None:
    """The MinHash signature of an article text; None when it has too few words to judge."""
    return signature_of_normalized(normalize_text(text), scheme)


def signature_of_normalized(normalized: str, scheme: Scheme = DEFAULT_SCHEME) -> MinHashSignature | None:
    """``minhash_signature`` of a text ``normalize_text`` already produced (it is not repeated)."""
    distinct = _shingles_of_normalized(normalized, scheme.shingle_words)
    if len(distinct) < scheme.min_shingles:
        return None
    minima = _densified(_slot_minima(distinct, scheme.slots))
    return MinHashSignature(tuple(value & _SLOT_BITS_MASK for value in minima), len(distinct), scheme)


def similarity(a: MinHashSignature, b: MinHashSignature) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (share of agreeing slots)."""
    if len(a.values) != len(b.values):
        return 0.0  # signatures of different schemes: nothing to compare
    return sum(x == y for x, y in zip(a.values, b.values, strict=True)) / len(a.values)


def containment(a: MinHashSignature, b: MinHashSignature) -> float:
    """Estimated share of the shorter text's shingles that the longer text also has.

    From Jaccard J and the set sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
    """
    jaccard = similarity(a, b)
    shared = jaccard * (a.shingle_count + b.shingle_count) / (1 + jaccard)
    return min(1.0, shared / min(a.shingle_count, b.shingle_count))


def is_near_duplicate(
    a: MinHashSignature, b: MinHashSignature, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether two signatures belong to the same story under ``thresholds``."""
    return similarity(a, b) >= thresholds.min_jaccard and containment(a, b) >= thresholds.min_containment


def _slot_minima(distinct: set[str], slots: int) -> list[int | None]:
    """Per slot, the smallest hash value among the shingles that fall into it (None: no shingle)."""
    shift, mask = slots.bit_length() - 1, slots - 1
    minima: list[int | None] = [None] * slots
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes  # local names: this loop runs per shingle
    for shingle in distinct:
        digest = from_bytes(blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little")
        slot, value = digest & mask, digest >> shift
        current = minima[slot]
        if current is None or value < current:
            minima[slot] = value
    return minima


def _densified(minima: list[int | None]) -> tuple[int, ...]:
    """Fill each empty slot from the first filled slot on its own fixed probe sequence."""
    filled = [value for value in minima if value is not None]
    if len(filled) == len(minima):
        return tuple(filled)
    slots = len(minima)
    signature = []
    for slot, value in enumerate(minima):
        state = slot + 1
        while value is None:
            state, probe = _splitmix64(state)
            value = minima[probe & (slots - 1)]
        signature.append(value)
    return tuple(signature)


def _splitmix64(state: int) -> tuple[int, int]:
    """One step of SplitMix64: a fixed, well-mixed sequence from a slot number (Steele et al., 2014)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK64
    mixed = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    mixed = ((mixed ^ (mixed >> 27)) * 0x94D049BB133111EB) & _MASK64
    return state, mixed ^ (mixed >> 31)
