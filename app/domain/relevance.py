"""How relevant an outside reply is to the question: a score in [0, 1] with its reasons.

Pure Python, no network: boosted trees over a few dozen features (a linear model over the same
features gives the reasons), with an IDF table, learned from labelled community Q&A (SemEval-2016
Task 3) by ``tools/train_relevance.py`` and shipped as ``relevance_model.json``. English and French
are tokenised alike (accents folded, both languages' stop words removed). When the optional
``semantic`` extra is installed, a cross-encoder's contribution is added to the trees' logit.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("relevance_model.json")

STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this that
    these those i you he she we they me him her us them my your his our their what which who whom do does did doing
    have has had having not no so than too very can will just would should could there here about into over also
    any some all more most other such only own same then once am s t don im ive dont
    le la les un une des du de d l et ou mais si a au aux en dans sur par pour avec sans est sont etait etre ete
    ce cet cette ces c ca je tu il elle on nous vous ils elles me te se moi toi lui leur leurs mon ma mes ton ta tes
    son sa ses notre nos votre vos qui que quoi dont ou ne pas plus tres y n qu j m s t""".split()
)
THANKS = re.compile(r"\b(thanks?|thank you|thx|ty|cheers|merci|grazie|danke|gracias)\b", re.IGNORECASE)
AGREEMENT = re.compile(
    r"^\W*(\+1|same here|me too|moi aussi|pareil|idem|agreed?|d'accord|same|this|\^+|yes|oui|ok|okay)\W*$",
    re.IGNORECASE,
)
# Short replies that promise, shrug or follow instead of answering (matched on folded text); a hedge
# ("not sure, but…") is left alone: an answer often follows it.
PLACEHOLDER = re.compile(
    r"\b(let me|lemme|i'?ll|i will|i'?m going to|i am going to|i'?m gonna|we'?ll|we will) (check|ask|look|find out|"
    r"dig|get back|come back|revert|see)\b|^\W*on it\b|\b(checking|looking into it|asking around|no idea|dunno|"
    r"no clue|idk|"
    r"(good|great|interesting) question|following|subscribed|watching this|bump|same question|"
    r"(je|on) (vais |va |vous |te )?(regarder?|verifier?|me renseigner?|se renseigner|demander?|reviens|revient|"
    r"revenir)|aucune idee|bonne question|je suis preneur|je suis interesse|interesse aussi)\b"
)
# A shrug alone ("not sure", "je ne sais pas"): a placeholder too. Followed by anything, it is a hedge.
SHRUG = re.compile(
    r"^\W*(sorry\W*|desole\W*)?(i |je )?(don'?t know|do not know|not sure|it depends|depends|"
    r"ne sais pas|sais pas|n'?en sais rien|pas sur|ca depend)\W*(sorry|desole)?\W*$"
)
# Politeness alone, like thanks: dropped. (Not THANKS itself: the model reads that as a feature.)
COURTESY = re.compile(
    r"\b(good luck|best of luck|bonne chance|bon courage|hope (this|it|that) helps|j'?espere que (ca|cela) aide)\b"
)
# Agreement and a few words ("+1 to what Grace said", "agree with Bob", "d'accord avec Ada"): a vote.
AGREEING_LEAD = re.compile(
    r"^\W*(\+\s*1|i agree|i totally agree|totally agree|agreed?|je suis d'accord|d'accord|exactly|exactement|"
    r"same here|me too|moi aussi)\b"
)
AGREEMENT_TAIL_WORDS = 5
PLACEHOLDER_MAX_WORDS = 12  # longer replies usually carry something besides the promise
# Replies reach the scorer in Cercle's neutral form, whatever the platform (each integration reads
# its own markup): people as "@name", channels as "#name", links as "[label](address)" or the bare
# address, emoji as Unicode characters (a custom emoji as ":name:"), and a quoted line as "> …" (not
# the replier's own words: "> the question\nWe charge 20%" scored 0.19). Emoji say nothing of an
# answer (":pray:" alone scored 0.41), except those that only agree, read "+1". A time ("10:30:45")
# is no emoji code.
EMOJI_CODE = re.compile(r"(?<![\w:]):([a-z0-9_+'-]+):(?!\w)")
# The emoji planes, and the few older symbols that platforms send as emoji (☝ ✅ ✔ ➕ ⭐ ❤), not the
# stars and hearts people type as words' ornaments ("★", "♥").
EMOJI_CHAR = re.compile("[\U0001f000-\U0001faff\u261d\u2705\u2714\u2795\u2b50\u2764\ufe0f\u200d]")
AGREEING_EMOJI = frozenset("👍👆☝💯➕✅✔")
MENTION = re.compile(r"(^|\s)@\w+")
QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*(\n|$)", re.MULTILINE)
# A handoff ("cc @bob", "@bob knows this best", "#pricing has it"): the answer is someone else's.
HANDOFF_TO = re.compile(r"(^|\s)[@#]\w+")
HANDOFF_MAX_WORDS = 5
LAUGH = re.compile(r"\b(lol|lmao|rofl|haha+|hehe+|mdr|ptdr|xd)\b|[:;]-?[)(dpo]", re.IGNORECASE)
# Links in the neutral form: "[label](address)", or a web address alone (not "Tel:4421832", which
# forum replies write as words).
URL = re.compile(r"\[[^\]\n]*\]\((?:https?://|mailto:|tel:)[^)\s]+\)|https?://\S+|www\.\S+", re.IGNORECASE)
NUMBER = re.compile(r"\d")
QUESTION_START = re.compile(
    r"^\s*(what|why|how|when|where|who|which|is|are|do|does|did|can|could|should|would|quoi|pourquoi|comment|"
    r"quand|ou|qui|est-ce)\b",
    re.IGNORECASE,
)
# A file shared with a reply stays in the partner's workspace, where its link opens: the reply names
# it (with_files), and only the words around it are judged. A file alone is kept aside like a link alone.
FILE_NOTE = re.compile(r"\(shared (?:a file|files) in their workspace: [^\n]*\)")
WORD = re.compile(r"[a-z0-9]+")
BOW_TOKEN = re.compile(r"[a-z0-9]+|[?!]")


def fold(text: str) -> str:
    """Lower case without accents: "Été" and "ete" are the same word."""
    if text.isascii():  # most replies: nothing to decompose (ASCII is its own NFKD form)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return [w for w in WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]


def readable(text: str) -> str:
    """A reply as the scorer reads it: quoted lines and emoji left out (emoji that only agree read "+1")."""
    text = QUOTED_LINE.sub("", text)  # someone else's words: the question quoted before the answer, say
    if text.isascii() and ":" not in text:  # most replies: no emoji of any kind
        return text
    emoji = EMOJI_CHAR.findall(text) + EMOJI_CODE.findall(text)
    if not emoji:
        return text
    words = EMOJI_CODE.sub(" ", EMOJI_CHAR.sub(" ", text))
    if not words.strip() and any(e in AGREEING_EMOJI for e in emoji):
        return "+1"
    return re.sub(r"[ \t]+", " ", words).strip()  # lines kept


def wording(text: str) -> set[str]:
    """The reply's words and word pairs, stop words kept: "you can" and "lol" say a lot."""
    words = BOW_TOKEN.findall(fold(text))
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """What is known about a reply besides its text, when it arrives."""

    position: int = 0  # 0 for the first reply of the thread
    seconds_since_question: float = 0.0
    by_asker: bool = False
    source_kind: str = "partner"  # partner, network
    author_trust: float = 0.5  # 0..1; 0.5 when nothing is known of the author
    author_previous_replies: int = 0  # replies by the same author earlier in the thread


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SemanticReading:
    """What the optional text model made of a reply: its weighted logit, to add to the trees', or
    that the reply is about something else than the question (then the logit is not computed: the
    reply is capped whatever it says, like a good answer posted under the wrong question)."""

    contribution: float | None = None
    off_topic: bool = False
    # The model read the words themselves: the trees' English wording score is left out (neutral), as it
    # says nothing of French and, beside such a model, less than nothing of English (dev MAP).
    replaces_wording: bool = False
    # The reader could not tell the topic apart cheaply: a further check (SemanticMatcher.off_topic) is
    # worth its time only for a reply that would reach the meeting (see topic_to_confirm).
    topic_in_doubt: bool = False


class ReplyKind(StrEnum):
    ANSWER = "answer"
    AGREEMENT = "agreement"  # "+1", "same here": a vote for what was said, not an answer
    THANKS = "thanks"  # politeness: dropped
    EMPTY = "empty"  # emoji or punctuation only
    PLACEHOLDER = "placeholder"  # "let me check", "no idea": not an answer (yet); judged again if edited


def with_files(text: str, names: Sequence[str]) -> str:
    """A reply's words and the names of the files shared with it."""
    if not names:
        return text
    note = f"(shared {'a file' if len(names) == 1 else 'files'} in their workspace: {', '.join(names)})"
    return f"{text}\n{note}" if text.strip() else note


def reply_kind(text: str) -> ReplyKind:
    """What a reply is before how good it is: only answers compete for the live channel."""
    text = readable(text)
    stripped = URL.sub(" ", text).strip()
    if not any(ch.isalnum() for ch in stripped) and not URL.search(text):
        return ReplyKind.EMPTY
    if AGREEMENT.match(text) or re.fullmatch(r"\W*(\+\s*1|same|same here|me too|moi aussi|pareil)\W*", fold(text)):
        return ReplyKind.AGREEMENT
    words = WORD.findall(fold(stripped))
    folded = fold(text).replace("\u2019", "'")
    lead = AGREEING_LEAD.match(folded)
    if lead and not URL.search(text) and not NUMBER.search(folded[lead.end() :]):
        if len(WORD.findall(folded[lead.end() :])) <= AGREEMENT_TAIL_WORDS:
            return ReplyKind.AGREEMENT
    if (THANKS.search(text) or COURTESY.search(folded)) and len(words) <= 4:
        return ReplyKind.THANKS
    if len(words) <= PLACEHOLDER_MAX_WORDS and not NUMBER.search(stripped) and not URL.search(text):
        if PLACEHOLDER.search(folded) or SHRUG.match(folded):
            return ReplyKind.PLACEHOLDER
        if HANDOFF_TO.search(text) and len(WORD.findall(fold(HANDOFF_TO.sub(" ", stripped)))) <= HANDOFF_MAX_WORDS:
            return ReplyKind.PLACEHOLDER
    return ReplyKind.ANSWER


def worth_a_closer_read(*, question: str, reply: str, context: ReplyContext) -> bool:
    """Whether a text model should read this reply: answers from people other than the asker (the
    rest is capped or dropped whatever it says)."""
    return reply_kind(reply) is ReplyKind.ANSWER and not context.by_asker


def english_pair(*, question: str, reply: str) -> bool:
    """Whether the cross-encoder can read this pair: its base model reads English only, and marks
    good French answers down (by a logit of -1 to -1.5); French goes to the multilingual reading."""
    return not (looks_french(question) or looks_french(reply))


FRENCH_HINTS = frozenset(
    "le la les un une des du et est sont pour avec dans sur pas que qui je vous nous il elle ce cette ces "
    "mon ma mes votre vos au aux mais tres sans chez leur ou".split()
)
ENGLISH_HINTS = frozenset(
    "the and is are you to of in for with it that this we they do can what how your be have not i".split()
)


def looks_french(text: str) -> bool:
    """At least two French function words, and more than English ones: enough to choose a model."""
    words = WORD.findall(fold(text))
    french = sum(w in FRENCH_HINTS for w in words)
    return french >= 2 and french > sum(w in ENGLISH_HINTS for w in words)


# Features that are 1 or 0: when one counts while absent, the reason says so ("+not by_asker").
YES_NO = frozenset(
    {"short", "long", "question_mark", "asks_back", "thanks", "agreement_only", "laugh", "url", "url_only"}
    | {"no_letters", "number", "mention", "first", "by_asker", "repeat_author"}
)

# Ceilings for replies that the model, trained on forums, would otherwise rank by position alone, and
# for those the semantic model finds about something else (it learnt what a good answer looks like
# from threads that hold only replies to their own question).
CAPS = {"empty": 0.02, "agreement": 0.05, "thanks": 0.05, "placeholder": 0.1, "link only": 0.15, "off topic": 0.1}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(word, 0.0) for word, weight in a.items())


class RelevanceModel:
    def __init__(self, params: dict[str, Any]) -> None:
        self.feature_names: list[str] = params["features"]
        self.weights: list[float] = params["weights"]
        self.bias: float = params["bias"]
        self.means: list[float] = params["means"]
        self.scales: list[float] = params["scales"]
        self.idf: dict[str, float] = params["idf"]
        self.default_idf: float = params["default_idf"]
        self.wording_weights: dict[str, float] = params.get("wording", {})
        self.wording_bias: float = params.get("wording_bias", 0.0)
        # Gradient-boosted trees over the features and the wording score: [feature, threshold, left, right, value, leaf]
        self.trees: list[list[list[float]]] = params.get("trees", [])
        self.tree_base: float = params.get("tree_base", 0.0)
        self.tree_features: list[str] = params.get("tree_features", [])

    def _vector(self, words: list[str]) -> dict[str, float]:
        counts = Counter(words)
        vec = {w: (1 + math.log(k)) * self.idf.get(w, self.default_idf) for w, k in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {w: x / norm for w, x in vec.items()}

    def features(self, *, question: str, reply: str, context: ReplyContext) -> dict[str, float]:
        q_words, r_words = tokens(question), tokens(reply)
        q_set, r_set = set(q_words), set(r_words)
        rare_q = {w for w in q_set if self.idf.get(w, self.default_idf) >= self.default_idf * 0.7}
        raw_len = len(reply.split())
        without_urls = URL.sub(" ", reply)
        letters = sum(ch.isalpha() for ch in without_urls)
        return {
            "cosine": _cosine(self._vector(q_words), self._vector(r_words)) if q_words and r_words else 0.0,
            "overlap": len(q_set & r_set) / len(q_set) if q_set else 0.0,
            "rare_overlap": len(rare_q & r_set) / len(rare_q) if rare_q else 0.0,
            "log_length": math.log1p(raw_len),
            "short": 1.0 if raw_len < 5 else 0.0,
            "long": 1.0 if raw_len > 60 else 0.0,
            "question_mark": 1.0 if "?" in reply else 0.0,
            "asks_back": 1.0 if QUESTION_START.match(reply) else 0.0,
            "thanks": 1.0 if THANKS.search(reply) else 0.0,
            "agreement_only": 1.0 if AGREEMENT.match(reply) else 0.0,
            "laugh": 1.0 if LAUGH.search(reply) else 0.0,
            "url": 1.0 if URL.search(reply) else 0.0,
            "url_only": 1.0 if URL.search(reply) and letters < 12 else 0.0,
            "no_letters": 1.0 if letters == 0 else 0.0,
            "number": 1.0 if NUMBER.search(without_urls) else 0.0,
            "exclamations": min(reply.count("!"), 5) / 5,
            "mention": 1.0 if MENTION.search(reply) else 0.0,
            "log_position": math.log1p(context.position),
            "first": 1.0 if context.position == 0 else 0.0,
            "log_minutes": math.log1p(max(0.0, context.seconds_since_question) / 60),
            "by_asker": 1.0 if context.by_asker else 0.0,
            "trust": context.author_trust - 0.5,
            "repeat_author": 1.0 if context.author_previous_replies > 0 else 0.0,
        }

    def score(
        self,
        *,
        question: str,
        reply: str,
        context: ReplyContext,
        semantic: float | None = None,
        off_topic: bool = False,
        wording_replaced: bool = False,
    ) -> Relevance:
        """``semantic``: a SemanticMatcher's logit contribution, when an optional extra is installed;
        ``off_topic``: that model found the reply about something else; ``wording_replaced``: it read
        the words, so the trees' wording score is left neutral."""
        files_only, reply = False, readable(reply)
        if FILE_NOTE.search(reply):
            words = FILE_NOTE.sub(" ", reply).strip()
            files_only, reply = not words, words or reply
        values = self.features(question=question, reply=reply, context=context)
        values["wording"] = self.wording_bias
        if not wording_replaced:
            values["wording"] += sum(self.wording_weights.get(term, 0.0) for term in wording(reply))
        contributions = []
        total = self.bias
        for name, weight, mean, scale in zip(self.feature_names, self.weights, self.means, self.scales, strict=True):
            part = weight * (values[name] - mean) / scale
            total += part
            if name == "wording" and wording_replaced:
                continue  # not a reason: the text model's own reading stands for it
            contributions.append((part, name if values[name] or name not in YES_NO else f"not {name}"))
        if self.trees:
            total = self._trees([values[name] for name in self.tree_features])
        if semantic is not None:
            total += semantic
        score = 1 / (1 + math.exp(-max(-30.0, min(30.0, total))))
        contributions.sort(reverse=True)
        helped = [f"+{name}" for part, name in contributions[:3] if part > 0.15]
        hurt = [f"-{name}" for part, name in sorted(contributions)[:3] if part < -0.15]
        if semantic is not None and abs(semantic) >= 0.15:  # the reader of both texts speaks first
            (helped if semantic > 0 else hurt).insert(0, f"{'+' if semantic > 0 else '-'}semantic")
        kind = reply_kind(reply)
        cap = CAPS.get(str(kind)) if kind is not ReplyKind.ANSWER else None
        if cap is None and files_only:
            kind_label, cap = "file only", CAPS["link only"]
        elif cap is None and values["url_only"]:
            kind_label, cap = "link only", CAPS["link only"]
        elif cap is None and off_topic:
            kind_label, cap = "off topic", CAPS["off topic"]
        else:
            kind_label = str(kind)
        if cap is not None and score > cap:
            return Relevance(score=cap, reasons=(f"-{kind_label}", *hurt))
        return Relevance(score=score, reasons=tuple(helped + hurt))

    def _trees(self, row: list[float]) -> float:
        total = self.tree_base
        for tree in self.trees:
            node = tree[0]
            while not node[5]:
                node = tree[int(node[2] if row[int(node[0])] <= node[1] else node[3])]
            total += node[4]
        return total


def topic_to_confirm(*, reading: SemanticReading, relevance: Relevance, threshold: float) -> bool:
    """Whether to ask for the topic check the reading left in doubt. Only a reply scoring at the
    threshold could reach the meeting, and the check is a third model's time on one reply; below it,
    the reply is never injected, whatever its topic (on dev, MAP and the answers to another question
    that pass stay the same, and 6% of replies are checked instead of 22%)."""
    return reading.topic_in_doubt and relevance.score >= threshold


def confirmed_off_topic(reading: SemanticReading) -> SemanticReading:
    """The reading once the check finds the reply about something else: it is capped as off topic."""
    return replace(reading, off_topic=True, topic_in_doubt=False)


def score_checking_topic(
    *,
    question: str,
    reply: str,
    context: ReplyContext,
    semantic: SemanticReading | None,
    threshold: float,
    off_topic: Callable[[], bool],
) -> Relevance:
    """score_reply, then the topic check a reading left in doubt, where it could keep the reply out; for
    synchronous callers (the benchmark, the reweighing). The worker's judging awaits the same steps."""
    relevance = score_reply(question=question, reply=reply, context=context, semantic=semantic)
    if (
        semantic is not None
        and topic_to_confirm(reading=semantic, relevance=relevance, threshold=threshold)
        and off_topic()
    ):
        relevance = score_reply(question=question, reply=reply, context=context, semantic=confirmed_off_topic(semantic))
    return relevance


@lru_cache(maxsize=1)
def default_model() -> RelevanceModel:
    return RelevanceModel(json.loads(MODEL_PATH.read_text()))


def score_reply(
    *, question: str, reply: str, context: ReplyContext, semantic: SemanticReading | None = None
) -> Relevance:
    reading = semantic or SemanticReading()
    return default_model().score(
        question=question,
        reply=reply,
        context=context,
        semantic=reading.contribution,
        off_topic=reading.off_topic,
        wording_replaced=reading.replaces_wording,
    )
