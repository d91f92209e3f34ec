"""Folding names to keys that survive transliteration variants (Mohammed/Muhammad, Sree/Sri)."""

from __future__ import annotations

import re
import unicodedata

# Spelling variants common when Indian names are written in Latin letters, folded in this order.
DIGRAPHS = (
    ("ksh", "x"),
    ("kh", "k"),
    ("gh", "g"),
    ("chh", "c"),
    ("ch", "c"),
    ("jh", "j"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("bh", "b"),
    ("sh", "s"),
    ("ck", "k"),
    ("q", "k"),
    ("z", "j"),
    ("w", "v"),
    ("y", "i"),
)
VOWELS = set("aeiou")
NON_LETTERS = re.compile(r"[^a-z]+")


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def split_tokens(text: str) -> list[str]:
    return [t for t in NON_LETTERS.split(ascii_fold(text)) if t]


def fold_token(token: str) -> str:
    """A consonant skeleton: first letter kept, later vowels dropped, doubled letters collapsed."""
    word = NON_LETTERS.sub("", ascii_fold(token))
    if not word:
        return ""
    for old, new in DIGRAPHS:
        word = word.replace(old, new)
    head, tail = word[0], word[1:]
    skeleton = head + "".join(ch for ch in tail if ch not in VOWELS)
    collapsed = []
    for ch in skeleton:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    if head in VOWELS:
        collapsed[0] = "a"  # initial vowels vary most across spellings (Ummer / Omar)
    return "".join(collapsed)[:24]


def name_keys(*parts: str) -> set[str]:
    keys = set()
    for part in parts:
        for token in split_tokens(part or ""):
            key = fold_token(token)
            if len(key) >= 1:
                keys.add(key)
    return keys


def edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = j = diffs = 0
    while i < la and j < lb:
        if a[i] != b[j]:
            diffs += 1
            if diffs > 1:
                return False
            if la == lb:
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return diffs + (lb - j) + (la - i) <= 1
