"""Hostile text never reaches Slack as an active mention, broadcast or disguised link."""

from __future__ import annotations

import re

import pytest

from integrations.slack.sanitize import CUT_SUFFIX, MAX_CHARS, sanitise

HOSTILE = [
    "<!channel> urgent",
    "<!here|here> look",
    "<!everyone>",
    "@channel @here @everyone read this",
    "@Channel shouting",
    "hi <@U024BE7LH> and <@W123|bob>",
    "<!subteam^S012ABC|@engineering> please",
    "see <#C024BE7LR|general>",
    "<https://evil.example/phish|https://bank.com/login>",
    "<mailto:a@evil.example|support@bank.com>",
    "plain <https://ok.example> link",
    "zero\u200bwidth <\u200b!channel>",
    "bidi \u202egnp.exe\u202c trick",
    "entity &lt;!channel&gt; pre-escaped",
    "<<!channel>>",
    "<!date^1392734382^{date}|fallback>",
    "&amp;&lt;&gt; already escaped",
    "unclosed <!channel",
    "＠channel full-width already",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_active_markup_survives(text):
    out = sanitise(text)
    assert "<" not in out and ">" not in out  # no Slack markup can be formed at all
    assert not re.search(r"(?<![\w＠])@(channel|here|everyone)\b", out, re.IGNORECASE)
    assert not any(ch in out for ch in "\u200b\u202e\u202c\ufeff")
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0  # every & is an entity we wrote


def test_disguised_link_shows_where_it_really_goes():
    assert sanitise("<https://evil.example/phish|https://bank.com/login>") == (
        "https://bank.com/login (https://evil.example/phish)"
    )


def test_mentions_become_plain_names():
    assert sanitise("thanks <@W123|bob>") == "thanks @bob"
    assert sanitise("cc <!subteam^S012ABC|@engineering>") == "cc @engineering"


def test_long_text_is_capped_with_a_pointer_to_the_original():
    out = sanitise("word " * 1000)
    assert len(out) <= MAX_CHARS and out.endswith(CUT_SUFFIX)


def test_cap_never_splits_an_entity():
    out = sanitise("<" * 2000)
    assert out.endswith(CUT_SUFFIX)
    body = out.removesuffix(CUT_SUFFIX)
    assert body == "&lt;" * (len(body) // 4)


def test_ordinary_text_is_untouched():
    text = "Try a paid pilot: 3 months, 20% of list price. Ça marche très bien !"
    assert sanitise(text) == text
