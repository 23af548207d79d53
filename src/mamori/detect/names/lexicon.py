"""Surnames and given names: SudachiPy's dictionary plus shipped frequency lists, folded for lookup.

Keys are folded (NFKC, variant kanji to their common form, hiragana to katakana), so 髙橋,
ﾀｶﾊｼ and たかはし all meet 高橋/タカハシ. Each key maps to flags saying what it can be.
Building from the Sudachi dictionary takes a few seconds; the result is cached on disk as
plain text (never pickle: the cache directory is writable by the user), checksummed, and parsed one
first character at a time as lookups need it (``Words``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from mamori.cache import cache_file, package_version, read_checked, write_checked
from mamori.normalize.rules import VARIANTS

SURNAME = 1
GIVEN = 2
COMMON = 4  # also an ordinary word or a place (not only a name)
FREQUENT_SURNAME = 8  # in the shipped list of common surnames
FREQUENT_GIVEN = 16  # in the shipped list of given names
PERSON = 32  # Sudachi 人名-一般: a person's name of unknown kind

_CACHE_FORMAT = "7"  # bump when the folding (people.rules.VARIANTS) or the entry layout changes

# One translate table: variants, hiragana → katakana (U+3041..U+3096 → +0x60), old kana ヰ/ヱ → イ/エ.
_FOLD = str.maketrans({**VARIANTS, **{chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)},
                       "ゐ": "イ", "ゑ": "エ", "ヰ": "イ", "ヱ": "エ"})
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆ヶ]+")
_NAME_CHARS = re.compile(r"[\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff々〆ヶ\U00020000-\U0002fa1f]+")


_VARIANT_TABLE = str.maketrans(VARIANTS)


def fold_variants(text: str) -> str:
    """Variant kanji as their common form, one character for one (offsets stay valid)."""
    return text.translate(_VARIANT_TABLE)


def fold(text: str) -> str:
    """NFKC, variant kanji folded, hiragana as katakana (spaces kept)."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


class Words:
    """Folded key → flags. Loaded from the cache, the entries are parsed one first character at a time,
    when a key starting with it is first looked up: classifying one table's columns touches a few
    hundred of the ~6,000 first characters, so a scan's main process does not build a 440,000-entry
    dict before its workers can start."""

    __slots__ = ("_pending", "_words")

    def __init__(self, words: dict[str, int], pending: dict[str, list[str]] | None = None) -> None:
        self._words = words
        self._pending = pending or {}  # first character → its cache lines, not parsed yet

    def get(self, key: str, default: int = 0) -> int:
        """Flags of *key*, or *default* when the lexicon does not know it."""
        flags = self._words.get(key)
        if flags is not None:
            return flags
        if key[:1] in self._pending:
            self._parse(key[:1])
            return self._words.get(key, default)
        return default

    def __getitem__(self, key: str) -> int:
        flags = self.get(key, -1)
        if flags < 0:
            raise KeyError(key)
        return flags

    def items(self) -> list[tuple[str, int]]:
        """Every entry (all parsed)."""
        for first in list(self._pending):
            self._parse(first)
        return list(self._words.items())

    def _parse(self, first: str) -> None:
        # Marked parsed only once parsed: a thread looking up meanwhile parses the same lines again
        # (the same entries), never misses one.
        for line in self._pending.get(first, ()):
            _, flag, keys = line.split("\t")
            self._words.update(dict.fromkeys(keys.split(" "), int(flag)))
        self._pending.pop(first, None)


@dataclass(frozen=True)
class Lexicon:
    """Folded name keys (surfaces and katakana readings) → flags; non-name words that split like names."""

    words: Words
    blocked: frozenset[str]

    def flags(self, key: str) -> int:
        """Flags of a folded *key* (0 when unknown)."""
        return self.words.get(key, 0)


def _shipped(name: str) -> list[tuple[str, list[str]]]:
    raw = (files("mamori.detect.names") / "data" / name).read_text(encoding="utf-8")
    out = []
    for line in raw.splitlines():
        if line and not line.startswith("#"):
            surface, _, readings = line.partition(" ")
            out.append((surface, readings.split(",") if readings else []))
    return out


def _add(words: dict[str, int], key: str, flag: int) -> None:
    words[key] = words.get(key, 0) | flag


def _from_shipped(words: dict[str, int]) -> None:
    for surface, readings in _shipped("surnames.txt"):
        for key in (surface, *readings):
            _add(words, fold(key), SURNAME | FREQUENT_SURNAME)
    for surface, readings in _shipped("given_names.txt"):
        for key in (surface, *readings):
            _add(words, fold(key), GIVEN | FREQUENT_GIVEN)


def _from_sudachi(words: dict[str, int]) -> set[str]:
    """Add Sudachi's 姓/名/人名 entries (surface and reading); return other words that look like names."""
    import sudachipy  # heavy; only when building

    others: set[str] = set()
    dictionary = sudachipy.Dictionary(dict="core")
    try:
        for m in dictionary.entries():
            surface = fold(m.surface())
            if not 1 <= len(surface) <= 8 or not _NAME_CHARS.fullmatch(surface):
                continue
            pos = m.part_of_speech()
            if pos[2] == "人名":
                flag = {"姓": SURNAME, "名": GIVEN}.get(pos[3], PERSON)
                _add(words, surface, flag)
                reading = fold(m.reading_form())
                if flag != PERSON and 2 <= len(reading) <= 8 and _NAME_CHARS.fullmatch(reading):
                    _add(words, reading, flag)
            else:
                others.add(surface)
    finally:
        dictionary.close()
    return others


def _finish(words: dict[str, int], others: set[str]) -> frozenset[str]:
    """Mark names that are also ordinary words; collect ordinary words that split as surname + given."""
    blocked = set()
    for word in others:
        flags = words.get(word)
        if flags is not None:
            if not flags & PERSON:
                words[word] = flags | COMMON
            continue
        if len(word) <= 3 and _KANJI.fullmatch(word):
            # Short kanji words stay, so "課長" after a surname is known not to be a given name.
            words[word] = COMMON
        for i in range(1, len(word)):
            if words.get(word[:i], 0) & SURNAME and words.get(word[i:], 0) & GIVEN:
                blocked.add(word)
                break
    return frozenset(blocked)


def _cache_path() -> Path:
    dict_version = package_version("sudachidict-core")
    shipped = b"".join((files("mamori.detect.names") / "data" / n).read_bytes()
                       for n in ("surnames.txt", "given_names.txt"))
    digest = hashlib.sha256(shipped + _CACHE_FORMAT.encode()).hexdigest()[:12]
    return cache_file(f"names-{dict_version}-{digest}.tsv")


def _load(path: Path) -> Lexicon | None:
    """The cached lexicon (its entries parsed as lookups need them), or None when the cache is missing or damaged."""
    data = read_checked(path)
    if data is None:
        return None
    try:
        head, *lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    tag, _, blocked = head.partition("\t")
    if tag != "B" or not lines:
        return None
    pending: dict[str, list[str]] = {}
    for line in lines:
        fields = line.split("\t")
        if len(fields) != 3 or len(fields[0]) != 1 or not fields[1].isdigit():
            return None  # parsed later, at a lookup: anything odd must show now
        pending.setdefault(fields[0], []).append(line)
    return Lexicon(Words({}, pending), frozenset(blocked.split(" ")) if blocked else frozenset())


def _save(path: Path, lexicon: Lexicon) -> None:
    # A line per first character and flag value (keys never hold spaces or tabs): a character's
    # entries are found without reading the others, and parsed with dict.fromkeys at C speed.
    groups: dict[tuple[str, int], list[str]] = {}
    for key, value in lexicon.words.items():
        if key and not any(c in key for c in " \t\n"):
            groups.setdefault((key[0], value), []).append(key)
    lines = ["B\t" + " ".join(sorted(lexicon.blocked))]
    lines += [f"{first}\t{flag}\t{' '.join(keys)}" for (first, flag), keys in sorted(groups.items())]
    write_checked(path, "\n".join(lines).encode("utf-8"))


def build() -> Lexicon:
    """Build the lexicon from the shipped lists and (when installed) the Sudachi dictionary."""
    words: dict[str, int] = {}
    _from_shipped(words)
    try:
        others = _from_sudachi(words)
    except Exception:  # noqa: BLE001 - no usable Sudachi dictionary: the shipped lists alone still work
        others = set()
    # Shipped kana given names (ウメ, ハル) are names even where Sudachi knows them as words.
    blocked = _finish(words, others)
    return Lexicon(Words(words), blocked)


@cache
def lexicon() -> Lexicon:
    """The lexicon, from the disk cache when present, else built (and cached)."""
    path = _cache_path()
    loaded = _load(path)
    if loaded is not None:
        return loaded
    built = build()
    _save(path, built)
    return built
