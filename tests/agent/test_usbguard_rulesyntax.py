"""The agent's USBGuard rule checker against USBGuard's own test corpora and USBGuard's own parser.

The corpora (tests/agent/data/usbguard-rules, GPL-2.0 as USBGuard, see its README and LICENSE) hold rules
USBGuard's parser must accept and rules it must reject; both checkers must agree with them.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from policy_helpers import DATA, needs_usbguard

from mamori.agent.rulesyntax import RuleSyntaxError, parse_rule, parse_rules, problems, quote, unescape
from mamori.agent.usbguard import find_parser

VECTORS = DATA / "usbguard-rules"
GOOD = [line for line in (VECTORS / "test-rules.good").read_text(encoding="utf-8").split("\n") if line]
BAD = [line for line in (VECTORS / "test-rules.bad").read_text(encoding="utf-8").split("\n") if line]


def usbguard_accepts_file(lines: list[str]) -> tuple[bool, str]:
    parser = find_parser()
    assert parser is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.conf"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = subprocess.run([parser, "-f", str(path)], capture_output=True, text=True, timeout=120, check=False)
    return done.returncode == 0, done.stderr[-600:]


def usbguard_accepts(rule: str) -> bool:
    return usbguard_accepts_file([rule])[0]


def test_corpora_are_what_they_say() -> None:
    assert len(GOOD) == 770 and len(BAD) == 75


@pytest.mark.parametrize("rule", GOOD, ids=range(len(GOOD)))
def test_good_vectors_pass_the_agents_checker(rule: str) -> None:
    parse_rule(rule)


@pytest.mark.parametrize("rule", BAD)
def test_bad_vectors_refused_by_the_agents_checker(rule: str) -> None:
    with pytest.raises(RuleSyntaxError):
        parse_rule(rule)


@needs_usbguard
def test_good_vectors_pass_usbguards_parser() -> None:
    ok, why = usbguard_accepts_file(GOOD)
    assert ok, why


@needs_usbguard
@pytest.mark.parametrize("rule", BAD)
def test_bad_vectors_refused_by_usbguards_parser(rule: str) -> None:
    assert not usbguard_accepts(rule)


# Found by probing usbguard 1.1.2 (Debian bookworm): (rule, USBGuard accepts it, the agent accepts it).
# Where the two differ the agent is stricter on purpose, never laxer (see rulesyntax's docstring).
PROBES = [
    ('allow id 1234:5678 serial "abc" with-interface equals { 08:*:* }', True, True),
    ('allow label "a" label "b"', True, True),
    ('allow id match-all { 1234:5678 }', True, True),
    ('allow name "a\\x41"', True, True),
    ('allow name "\\""', True, True),
    ('allow id 1234:5678#c', True, True),
    ('allow if allowed-matches(name "x")', True, True),
    ('allow if one-of {!true false}', True, True),
    ('allow if true(\\))', True, True),
    ('allow 1234:5678 name "x"', True, True),
    ('  # only a comment', True, True),
    ('allow name "a\\q"', False, False),
    ('allow name "a\\x4"', False, False),
    ('allow name "\\0"', False, False),
    ('allow name "\\n"', False, False),
    ('allow name "a"  ', False, False),
    (' allow id 1234:5678', False, False),
    ('allow id *:1234', False, False),
    ('allow with-interface 08:*:06', False, False),
    ('allow id 1234:5678 serial "x"serial "y"', False, False),
    ('allow if localtime(25:00)', False, False),
    ('allow if localtime(10:00-09:00)', False, False),
    ('allow if random()', False, False),
    ('allow if true()', False, False),
    ('allow if allowed-matches(bogus)', False, False),
    ('allow if allowed-matches(name "a\\"b")', False, False),
    ('allow key "x"', False, False),
    ('allow name one-of{ "a" }', False, False),
    ('allow id 1234:5678\r', False, False),
    ('allowallow', True, False),
    ('allow if random(2)', True, False),
    ('allow if rule-applied(5s)', True, False),
]


@pytest.mark.parametrize(("rule", "usbguard", "agent"), PROBES)
def test_probes(rule: str, usbguard: bool, agent: bool) -> None:
    try:
        parse_rule(rule)
        accepted = True
    except RuleSyntaxError:
        accepted = False
    assert accepted is agent
    if find_parser() is not None:
        assert usbguard_accepts_file([rule])[0] is usbguard


def test_errors_say_where_and_what() -> None:
    with pytest.raises(RuleSyntaxError, match=r"line 2, column 20: the id attribute is given twice"):
        parse_rules("allow id 1234:5678\nallow id 1234:5678 id 1234:5678\n")
    found = problems("allow\nalloww\nblock\nallow name \"x\n")
    assert [e.lineno for e in found] == [2, 4]


# --- properties -----------------------------------------------------------------------------------

_PIECES = ["allow", "block", "reject", "match", "device", "id", "name", "hash", "parent-hash", "serial",
           "via-port", "with-interface", "with-connect-type", "label", "if", "one-of", "all-of", "none-of",
           "equals", "equals-ordered", "match-all", "{", "}", "1234:5678", "abcd:*", "*:*", "*:12ab", "12345:1",
           "08:*:*", "08:06:50", "08:*:06", "ff:ff:ff", '"abc"', '"a b"', '"\\x41"', '"\\"q"', '"\\\\"', '"\\q"',
           '"\\x4"', '"', "true", "!false", "random", "random(0.4)", "random(1.5)", "localtime(10:00-12:30)",
           "localtime(1:00)", "localtime(x)", "rule-applied(60)", "rule-evaluated(1:00)",
           "allowed-matches(id 1234:5678)", "allowed-matches(if true)", "allowed-matches()", "#", "# c", "x", ""]
_line = st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from([" ", " ", " ", "  ", "\t", ""])),
                 min_size=1, max_size=9).map(lambda parts: "".join(p + s for p, s in parts).rstrip(" \t"))
_valid_value = {
    "id": st.sampled_from(["1234:5678", "ABCD:*", "*:*", "0781:5581"]),
    "with-interface": st.sampled_from(["08:*:*", "03:01:02", "e0:01:*", "FF:ff:Ff"]),
    "if": st.sampled_from(["true", "!false", "random(0.25)", "localtime(08:30-17:15)", "rule-applied",
                           "rule-evaluated(120)", "allowed-matches(serial \"s\")"]),
}
_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


@st.composite
def valid_rules(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["allow", "block", "reject", "match", "device"]))]
    names = draw(st.lists(st.sampled_from(["id", "name", "hash", "parent-hash", "serial", "via-port",
                                           "with-interface", "with-connect-type", "label", "if"]),
                          unique=True, max_size=5))
    for name in names:
        one = _valid_value.get(name, _text.map(quote))
        values = draw(st.lists(one, min_size=1, max_size=3))
        if len(values) == 1 and draw(st.booleans()):
            parts.append(f"{name} {values[0]}")
        else:
            operator = draw(st.sampled_from(["", "one-of ", "all-of ", "none-of ", "equals ", "equals-ordered ",
                                             "match-all "]))
            parts.append(f"{name} {operator}{{ {' '.join(values)} }}")
    return " ".join(parts) + draw(st.sampled_from(["", " # comment", "#x"]))


@settings(max_examples=60)
@given(st.lists(valid_rules(), min_size=1, max_size=40))
def test_valid_rules_pass_both_checkers(rules: list[str]) -> None:
    for rule in rules:
        parse_rule(rule)
    if find_parser() is not None:
        ok, why = usbguard_accepts_file(rules)
        assert ok, why


@needs_usbguard
@settings(max_examples=40)
@given(st.lists(_line, min_size=1, max_size=60))
def test_what_the_agent_accepts_usbguard_accepts(lines: list[str]) -> None:
    accepted = []
    for line in lines:
        try:
            if parse_rule(line) is not None:
                accepted.append(line)
        except RuleSyntaxError:
            pass
    if accepted:
        ok, why = usbguard_accepts_file(accepted)
        assert ok, f"the agent accepted a rule USBGuard refuses: {why}"


@given(_text)
def test_quote_round_trips(value: str) -> None:
    rule = parse_rule(f"allow serial {quote(value)}")
    assert rule is not None and rule.attributes["serial"][1] == (value,)
    assert unescape(quote(value)[1:-1]) == value


@given(st.text(max_size=200))
def test_never_raises_anything_but_a_syntax_error(text: str) -> None:
    with contextlib.suppress(RuleSyntaxError):
        parse_rules(text)
