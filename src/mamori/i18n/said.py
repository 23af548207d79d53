"""Structured messages from the engine: a catalogue key and its values, that read as English text.

A reason or a problem the engine records is a :class:`Said`: a ``str`` holding the English text
(what JSONL and the case store keep, as the contract says) that also carries its key and values,
so the command and the reports can say it in the reader's language with :func:`localize`.
"""

from __future__ import annotations

from typing import Any


class Said(str):
    """English text plus the catalogue ``key`` and ``values`` it was made from."""

    key: str
    values: tuple[tuple[str, Any], ...]

    def __new__(cls, key: str, values: tuple[tuple[str, Any], ...] = ()) -> Said:
        from mamori.i18n import t

        made = super().__new__(cls, t(key, "en", **dict(values)) if values else t(key, "en"))
        made.key = key
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # across worker processes: rebuilt from key and values
        return (Said, (self.key, self.values))

    def say(self, lang: str) -> str:
        """This message in *lang*."""
        from mamori.i18n import t

        values = {k: localize(v, lang) if isinstance(v, str) else v for k, v in self.values}
        return t(self.key, lang, **values) if values else t(self.key, lang)


def said(key: str, /, **values: Any) -> Said:
    """A message with catalogue *key*; *values* fill its ``{placeholders}`` (a value may itself be Said)."""
    return Said(key, tuple(values.items()))


def localize(text: str | None, lang: str) -> str:
    """*text* in *lang* when it is a :class:`Said`; other text (a path, an OS error) as it is."""
    if text is None:
        return ""
    return text.say(lang) if isinstance(text, Said) else text


def said_json(text: str | None) -> dict[str, Any]:
    """A :class:`Said` as JSON to keep beside its English text (``{}`` for plain text)."""
    if not isinstance(text, Said):
        return {}
    return {"key": text.key, "values": {k: said_json(v) or v if isinstance(v, str) else v for k, v in text.values}}


def from_json(data: object, english: str = "") -> str:
    """What :func:`said_json` kept, as a :class:`Said` again; *english* when nothing was kept."""
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        return english
    values = data.get("values") or {}
    return Said(data["key"], tuple((k, from_json(v) if isinstance(v, dict) else v) for k, v in values.items()))


def message_of(error: BaseException, lang: str) -> str:
    """An exception's message in *lang* when it was raised with a :class:`Said`, else its text."""
    first = error.args[0] if error.args else None
    return first.say(lang) if isinstance(first, Said) else str(error)
