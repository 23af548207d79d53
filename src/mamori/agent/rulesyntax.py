"""The agent's own checker of USBGuard's rule language (usbguard-rules.conf(5)), so a bad rule is refused
even on a machine without usbguard installed.

It follows the grammar and the value checks of USBGuard 1.1 (the Debian package): one rule per line,
``target [VVVV:PPPP] [attribute ...] [# comment]``, attributes at most once each (``label`` excepted),
strings with only ``\\"``, ``\\\\`` and ``\\xHH`` escapes, interface types ``cc:ss:pp`` / ``cc:ss:*`` /
``cc:*:*``, and the seven known conditions with their parameters. Where USBGuard is laxer than its own
manual it is *stricter* on purpose (never the other way round): two rules glued on one line
(``allowallow``) are refused, ``localtime``/``rule-applied`` take ``H:MM`` or ``HH:MM`` (and plain seconds
for the latter), ``random(p)`` needs 0 ≤ p ≤ 1. Everything this checker accepts, USBGuard's parser accepts
(a property test holds it to that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mamori.errors import ConfigError

TARGETS = ("allow", "block", "reject", "match", "device")
OPERATORS = ("all-of", "one-of", "none-of", "equals-ordered", "equals", "match-all")
STRING_ATTRIBUTES = ("name", "hash", "parent-hash", "serial", "via-port", "with-connect-type", "label")
ATTRIBUTES = ("id", *STRING_ATTRIBUTES, "with-interface", "if")
CONDITIONS = ("allowed-matches", "localtime", "true", "false", "random", "rule-applied", "rule-evaluated")
_BLANK = " \t"
_HEX = "0123456789abcdefABCDEF"
_CONDITION_ID = re.compile(r"[a-zA-Z-][a-zA-Z0-9-]*")
_DAYTIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_SECONDS = re.compile(r"[0-9]{1,9}")
_PROBABILITY = re.compile(r"(0|1)(\.[0-9]+)?|\.[0-9]+")
_ATTRIBUTE = re.compile("(" + "|".join(sorted(ATTRIBUTES, key=len, reverse=True)) + ")[ \t]")
_OPERATOR = re.compile("(" + "|".join(OPERATORS) + ")")
_DEVICE_ID = re.compile(r"([0-9a-fA-F]{4}|\*):([0-9a-fA-F]{4}|\*)")
_DEVICE_ID_AHEAD = re.compile(r"([0-9a-fA-F]{4}|\*):")
_INTERFACE = re.compile(r"([0-9a-fA-F]{2}):([0-9a-fA-F]{2}|\*):([0-9a-fA-F]{2}|\*)")
_CONTROL = "\\x00-\\x08\\x0a-\\x1f\\x7f"


def _fast(open_: str, close: str) -> re.Pattern[str]:
    """The common, well-formed value in one regex; anything else takes the slow path, which names the problem."""
    edge = re.escape(close)
    return re.compile(rf"\{open_}((?:[^{edge}\\{_CONTROL}]|\\(?:x[0-9a-fA-F]{{2}}|[\\{edge}]))*){edge}")


_FAST = {'"': _fast('"', '"'), ")": _fast("(", ")")}
_BLANKS = re.compile(r"[ \t]*")
_MAX_DEPTH = 4
MAX_LINE = 64 * 1024


class RuleSyntaxError(ConfigError):
    """A USBGuard rule that USBGuard would refuse (or that is ambiguous enough that the agent refuses it)."""

    def __init__(self, message: str, line: str = "", column: int = 0, lineno: int = 0) -> None:
        where = f"line {lineno}, " if lineno else ""
        super().__init__(f"{where}column {column + 1}: {message}: {line[:120]!r}" if line else message)
        self.reason, self.column, self.lineno = message, column, lineno


@dataclass(frozen=True)
class Rule:
    """What the checker learnt about a rule: its target and attributes (values as written, unescaped)."""

    target: str
    attributes: dict[str, tuple[str, tuple[str, ...]]]  # name -> (operator or "", values)


class _Fail(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message, self.pos = message, pos


class _Parser:
    def __init__(self, text: str, depth: int) -> None:
        self.text, self.pos, self.depth = text, 0, depth

    def fail(self, message: str, pos: int | None = None) -> _Fail:
        return _Fail(message, self.pos if pos is None else pos)

    def peek(self, word: str) -> bool:
        return self.text.startswith(word, self.pos)

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def blanks(self) -> int:
        start = self.pos
        found = _BLANKS.match(self.text, start)
        self.pos = found.end() if found else start
        return self.pos - start

    def rule(self) -> Rule:
        target = next((t for t in TARGETS if self.peek(t)), None)
        if target is None:
            raise self.fail(f"a rule starts with one of {', '.join(TARGETS)}")
        self.pos += len(target)
        attributes: dict[str, tuple[str, tuple[str, ...]]] = {}
        first = True
        while not self.at_end():
            before = self.pos
            if not self.blanks() and self.text[self.pos] != "#":
                raise self.fail("expected a blank between the parts of a rule")
            if self.at_end():
                raise self.fail("trailing blanks after a rule (USBGuard refuses them)", before)
            if self.text[self.pos] == "#":
                self.pos = len(self.text)  # the rest of the line is a comment
                break
            if first and self._device_id_ahead():
                attributes["id"] = ("", (self.device_id(),))
            else:
                name, value = self.attribute(attributes)
                attributes[name] = value
            first = False
        return Rule(target, attributes)

    def _device_id_ahead(self) -> bool:
        return _DEVICE_ID_AHEAD.match(self.text, self.pos) is not None

    def attribute(self, seen: dict[str, tuple[str, tuple[str, ...]]]) -> tuple[str, tuple[str, tuple[str, ...]]]:
        start = self.pos
        found = _ATTRIBUTE.match(self.text, self.pos)
        name = found.group(1) if found else None
        if name is None:
            word = re.match(r"[^ \t]*", self.text[self.pos:])
            raise self.fail(f"unknown attribute {word.group(0)[:40] if word else ''!r}; "
                            f"known: {', '.join(ATTRIBUTES)}")
        if name in seen and name != "label":
            raise self.fail(f"the {name} attribute is given twice", start)
        self.pos += len(name)
        self.blanks()
        value = {"id": self.device_id, "with-interface": self.interface, "if": self.condition}.get(
            name, self.string)
        operator = ""
        found_op = _OPERATOR.match(self.text, self.pos)
        op = found_op.group(1) if found_op else None
        if op is not None and name == "if" and not re.match(r"[ \t]+\{", self.text[self.pos + len(op):]):
            op = None  # "if one-of" without a set is a (bad) condition name, as USBGuard reads it
        if op is not None:
            self.pos += len(op)
            if not self.blanks():
                raise self.fail(f"a blank must follow the set operator {op}")
            operator = op
            if not self.peek("{"):
                raise self.fail(f"a set operator ({op}) must be followed by {{ ... }}")
        if self.peek("{"):
            self.pos += 1
            self.blanks()
            values = [value()]
            while True:
                if self.blanks() and not self.peek("}"):
                    values.append(value())
                    continue
                if self.peek("}"):
                    self.pos += 1
                    break
                raise self.fail("a set of values ends with } (values are separated by blanks)")
            return name, (operator or "equals", tuple(values))
        return name, ("", (value(),))

    def device_id(self) -> str:
        match = _DEVICE_ID.match(self.text, self.pos)
        if not match:
            raise self.fail("a device id is VVVV:PPPP in hexadecimal (or VVVV:* or *:*)")
        if match.group(1) == "*" and match.group(2) != "*":
            raise self.fail("a device id with any vendor (*) must have any product (*:*)")
        self.pos = match.end()
        return match.group(0)

    def interface(self) -> str:
        match = _INTERFACE.match(self.text, self.pos)
        if not match:
            raise self.fail("an interface type is cc:ss:pp in hexadecimal (cc:ss:* and cc:*:* allowed)")
        if match.group(2) == "*" and match.group(3) != "*":
            raise self.fail("an interface type with any subclass (*) must have any protocol (cc:*:*)")
        self.pos = match.end()
        return match.group(0)

    def bounded(self, open_: str, close: str) -> str:
        """The raw text between `open_` and `close` (escapes checked, not decoded)."""
        start = self.pos
        fast = _FAST[close].match(self.text, self.pos)
        if fast:
            self.pos = fast.end()
            return fast.group(1)
        if not self.peek(open_):
            raise self.fail(f"expected {open_}")
        self.pos += 1
        while True:
            if self.at_end():
                raise self.fail(f"unterminated: no closing {close}", start)
            char = self.text[self.pos]
            if char in "\r\n":
                raise self.fail("a value cannot span lines")
            if (ord(char) < 0x20 and char != "\t") or char == "\x7f":
                raise self.fail(f"control character U+{ord(char):04X} in a value: write it as \\xHH")
            if char == close:
                self.pos += 1
                return self.text[start + 1:self.pos - 1]
            if char == "\\":
                self.pos += 1
                rest = self.text[self.pos:self.pos + 3]
                if rest[:1] == "x":
                    if len(rest) < 3 or rest[1] not in _HEX or rest[2] not in _HEX:
                        raise self.fail("\\x must be followed by two hexadecimal digits")
                    self.pos += 3
                elif rest[:1] and rest[0] in ("\\", close):
                    self.pos += 1
                else:
                    raise self.fail(f"only \\{close}, \\\\ and \\xHH escapes are allowed here")
            else:
                self.pos += 1

    def string(self) -> str:
        if not self.peek('"'):
            raise self.fail('a string value is written in double quotes: "..."')
        return unescape(self.bounded('"', '"'))

    def condition(self) -> str:
        start = self.pos
        negated = self.peek("!")
        if negated:
            self.pos += 1
        match = _CONDITION_ID.match(self.text, self.pos)
        if not match:
            raise self.fail("a condition is [!]name or [!]name(argument)")
        name = match.group(0)
        self.pos = match.end()
        argument = self.bounded("(", ")") if self.peek("(") else None
        if name not in CONDITIONS:
            raise self.fail(f"unknown condition {name!r}; known: {', '.join(CONDITIONS)}", start)
        if argument == "":
            raise self.fail(f"the condition {name}() has an empty argument", start)
        self._condition_argument(name, argument, start)
        return self.text[start:self.pos]

    def _condition_argument(self, name: str, argument: str | None, start: int) -> None:
        if name == "localtime":
            parts = (argument or "").split("-", 1)
            if not all(_DAYTIME.fullmatch(p) for p in parts):
                raise self.fail("localtime needs a time or a range: localtime(HH:MM) or localtime(HH:MM-HH:MM)",
                                start)
            if len(parts) == 2 and _minutes(parts[0]) > _minutes(parts[1]):
                raise self.fail("localtime: the range begins after it ends", start)
        elif name == "random" and argument is not None:
            if not _PROBABILITY.fullmatch(argument) or float(argument) > 1:
                raise self.fail("random(p) needs a probability between 0 and 1", start)
        elif name in ("rule-applied", "rule-evaluated") and argument is not None:
            if not (_SECONDS.fullmatch(argument) or _DAYTIME.fullmatch(argument)):
                raise self.fail(f"{name}(duration) needs seconds or HH:MM", start)
        elif name == "allowed-matches":
            if argument is None:
                raise self.fail("allowed-matches needs a query: allowed-matches(id 1234:5678)", start)
            if self.depth >= _MAX_DEPTH:
                raise self.fail("allowed-matches nested too deep", start)
            try:
                _Parser("allow " + argument, self.depth + 1).line()
            except _Fail as inner:
                raise self.fail(f"allowed-matches query: {inner.message}", start) from None

    def line(self) -> Rule | None:
        if not self.text:
            return None
        if self.text.lstrip(_BLANK).startswith("#"):
            return None
        rule = self.rule()
        if not self.at_end():
            raise self.fail("unexpected text after the rule")
        return rule


def _minutes(daytime: str) -> int:
    hours, minutes = daytime.split(":")
    return int(hours) * 60 + int(minutes)


def unescape(raw: str) -> str:
    """The value of a checked string body (``\\"``, ``\\\\``, ``\\xHH``; bytes decoded as UTF-8)."""
    if "\\" not in raw:
        return raw
    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            nxt = raw[i + 1]
            if nxt == "x":
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            out += nxt.encode()
            i += 2
            continue
        out += char.encode()
        i += 1
    return out.decode("utf-8", errors="replace")


def quote(value: str) -> str:
    """`value` as a USBGuard string literal: `"` and `\\` escaped, anything not printable ASCII as \\xHH."""
    parts = ['"']
    for byte in value.encode("utf-8"):
        char = chr(byte)
        if char in '"\\':
            parts.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            parts.append(char)
        else:
            parts.append(f"\\x{byte:02x}")
    parts.append('"')
    return "".join(parts)


def parse_rule(line: str, lineno: int = 0) -> Rule | None:
    """The rule on `line` (None for an empty or comment line); RuleSyntaxError when USBGuard would refuse it."""
    if len(line) > MAX_LINE:
        raise RuleSyntaxError(f"a rule is at most {MAX_LINE} characters", line[:120], 0, lineno)
    try:
        return _Parser(line, 0).line()
    except _Fail as fail:
        raise RuleSyntaxError(fail.message, line, fail.pos, lineno) from None


def parse_rules(text: str) -> list[Rule]:
    """Every rule of a rules.conf text; RuleSyntaxError (with its line number) at the first bad line."""
    rules = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        rule = parse_rule(line, lineno)
        if rule is not None:
            rules.append(rule)
    return rules


def problems(text: str) -> list[RuleSyntaxError]:
    """Every bad line of `text` (empty when the whole file is good)."""
    found = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        try:
            parse_rule(line, lineno)
        except RuleSyntaxError as error:
            found.append(error)
    return found
