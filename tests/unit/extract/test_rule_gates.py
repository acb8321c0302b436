"""The line rules' derived gates (``rules._plan``) never change which rule claims a line.

``match_line_rule`` skips a rule's search when a gate derived from its pattern says it cannot
match: the characters an anchored match can begin with, or literals every match holds. Each
test compares it with the plain loop (every rule in order, its ``max_words`` and ``needs``, then
its search), on the rule examples, on variants of them made to trip the gates (other cases, the
characters ``re.IGNORECASE`` folds to ASCII letters, text around them) and on the dev texts' lines.
"""

from __future__ import annotations

import re
import sys

import pytest

from pipeline.extract import rules
from tests.conftest import BENCHMARKS_DIR, needs_shared
from tests.unit.extract.test_rule_names import LINE_RULE_EXAMPLES
from tests.unit.extract.test_rules import NOISE

EXTRAS = ((), rules.HTML_LINE_RULES, rules.TEXT_LINE_RULES, rules.TEXT_LINE_RULES + rules.HTML_LINE_RULES)


def plain_match(line: str, extra: tuple[rules.LineRule, ...] = ()) -> rules.LineRule | None:
    words = len(line.split())
    lowered = line.lower()
    for rule in rules.LINE_RULES + extra:
        if words > rule.max_words:
            continue
        if rule.needs and not any(literal in lowered for literal in rule.needs):
            continue
        if rule.pattern.search(line):
            return rule
    return None


def variants(line: str) -> list[str]:
    folded = {"s": "\u017f", "k": "\u212a", "i": "\u0131", "I": "\u0130"}
    return [line, line.upper(), line.lower(), line.swapcase(), " " + line, line + " ", "x" + line, "(" + line + ")",
            line + "\n", "".join(folded.get(ch, ch) for ch in line), line.replace("e", "\u00e9"), line[1:], line[:-1]]


def assert_same(lines: list[str]) -> None:
    for extra in EXTRAS:
        for line in lines:
            assert rules.match_line_rule(line, extra) is plain_match(line, extra), (line, extra and extra[0].name)


def test_gates_on_the_rule_examples_and_their_variants() -> None:
    examples = list(LINE_RULE_EXAMPLES.values()) + [line for line, _ in NOISE]
    assert_same([variant for line in examples for variant in variants(line)] + ["", " ", "\n", "\u017f", "x"])


def test_the_case_folded_characters_are_all_there() -> None:
    """The only characters outside ASCII that ``re.IGNORECASE`` matches to an ASCII character:
    a line holding one skips the literal gates, whose lookup is in ``str.lower``'s terms."""
    ascii_printable = re.compile(r"[\x20-\x7e]", re.IGNORECASE)
    folded = {chr(c) for c in range(128, sys.maxunicode + 1) if ascii_printable.fullmatch(chr(c))}
    assert folded == {"\u0130", "\u0131", "\u017f", "\u212a"}
    assert all(rules._EXOTIC_CASE.fullmatch(ch) for ch in folded)


def test_the_gates_are_derived_for_most_rules() -> None:
    """The gates exist (else the speed-up is gone without a test failing): a start gate for the
    anchored rules, literals for some of the others."""
    for extra in EXTRAS:
        rules.match_line_rule("x", extra)
    gates = {rule.name: rules._GATES[rule] for rule in rules.LINE_RULES + rules.HTML_LINE_RULES + rules.TEXT_LINE_RULES}
    assert gates["account_link"][0] is not None and gates["share_widget"][0] is not None
    assert gates["newsletter_confirmation"][0] is None and set(gates["newsletter_confirmation"][1]) == {
        "a confirmation e", "activation", "confirmation", " subscribed", "igned up", "igning up", "ubscribed",
        "ubscribing", "verification"}
    assert gates["reporting_credit"] == (None, ("contributed reporting", "reporting "))
    assert sum(start is not None for start, _ in gates.values()) >= 30
    assert sum(literals is not None for _, literals in gates.values()) >= 5


def test_start_gate_follows_the_pattern() -> None:
    gate = rules._start_gate(re.compile(r"^(subscribe|\d+ (comments|replies)|#x)?$|^(?-i:[A-Z])ee", re.IGNORECASE))
    assert gate is None  # can match the empty line
    gate = rules._start_gate(re.compile(r"^(subscribe|\d+ (comments|replies)|#x)$|^(?-i:[A-Z])ee", re.IGNORECASE))
    assert [ch for ch in "sS\u017f7#A" if gate[ch]] == list("sS\u017f7#A")
    assert [ch for ch in " -\u00e9" if gate[ch]] == [] and not gate[""]
    assert gate["b"]  # (?-i:[A-Z]) is taken under IGNORECASE: a gate may let more through, never less
    assert rules._start_gate(re.compile(r"\bsubscribe$", re.IGNORECASE)) is None  # not anchored
    gate = rules._start_gate(re.compile(r"^(?i:a)b|^c"))  # a case-insensitive part in a case-sensitive pattern
    assert gate["A"] and gate["a"] and gate["c"] and not gate["d"]


def test_gates_on_the_dev_texts() -> None:
    folder = needs_shared(BENCHMARKS_DIR / "aeb-dev-text")
    lines = sorted({line.strip() for path in sorted(folder.glob("*.txt"))[:40]
                    for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
    assert len(lines) > 500
    assert_same(lines)


@pytest.mark.parametrize("line", ["Photo: Jane Doe/Reuters", "Newsletter", "I agree to the terms and privacy policy"])
def test_an_extra_tuple_made_anew_each_call_gets_the_same_answer(line: str) -> None:
    for _ in range(3):
        extra = rules.HTML_LINE_RULES[:1] + rules.HTML_LINE_RULES[1:]  # a new tuple, the same rules
        assert extra is not rules.HTML_LINE_RULES
        assert rules.match_line_rule(line, extra) is plain_match(line, extra)


def test_many_first_characters() -> None:
    """Past ``MAX_FIRST_CHARS`` first characters a plan and a start gate start afresh: the same answers."""
    lines = [chr(0x4E00 + i) + " Share this article" for i in range(2 * rules._Plan.MAX_FIRST_CHARS + 3)]
    lines += ["Share this article", "Newsletter"]
    assert_same(lines)
