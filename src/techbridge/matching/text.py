"""Text normalisation and Chinese/English tokenisation, shared by the matching engine and search.

Full-width characters become half-width (NFKC), traditional Chinese becomes simplified (OpenCC
t2s), Latin text is lower-cased; jieba cuts Chinese in search mode (long words and their
sub-words), English words and model numbers stay whole. The cutting is jieba's algorithm and
dictionary as ported to Rust by jieba-rs (``rjieba``): the same cuts as Python jieba on 99 % of
texts (the rest differ in a word of a long text), about 12× faster, which matters when a million
profiles are indexed. A :class:`Tokeniser` owns its own dictionary, so the engine's domain
vocabulary (discipline names, profile keywords) does not leak into other users; the module-level
functions use one process-wide tokeniser, as the web search always did.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import rjieba
from opencc import OpenCC

_LATIN = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
LATIN_WORD = _LATIN
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")

STOP_WORDS = frozenset(
    """的 了 和 与 及 或 在 是 对 为 以 等 中 上 下 将 把 被 从 到 由 于 其 之 这 那 有 也 就 都 而
    并 及其 以及 进行 通过 一个 一种 我们 我司 公司 企业 需要 需求 希望 能够 可以
    相关 方面 问题 目前
    技术 研究 开发 提供 具有 实现 提高 基于 用于 主要 采用 方法 要求 情况 工作 包括 如何 什么
    a an the of and or for to in on with by is are be as at from this that we our""".split()
)

MAX_TOKEN_LENGTH = 64
SHORT_TEXT = 16
SHORT_CACHE_SIZE = 100_000


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """The characters OpenCC t2s may change; text without any of them is already simplified.

    OpenCC's pure-Python conversion is the slowest step of tokenising, and most text on the
    platform is simplified Chinese: one regular-expression scan decides whether it is needed.
    A phrase entry that maps a character to itself (乾坤 → 乾坤) contributes nothing here, and
    its characters are triggers anyway when another entry converts them (乾 → 干).
    """
    converter = _converter()
    converter.convert("測")  # loads the dictionaries
    triggers: set[str] = set()
    for group in converter._dict_chain_data:
        for entry in group:
            for key, value in entry[2].items():
                if len(key) == len(value):
                    triggers.update(k for k, v in zip(key, value, strict=True) if k != v)
                else:
                    triggers.update(key)
    return re.compile("[" + "".join(sorted(re.escape(c) for c in triggers)) + "]")


def normalise(text: str) -> str:
    """NFKC folds full-width forms to half-width; OpenCC folds traditional to simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if _HAS_CJK.search(text) and _traditional().search(text):
        text = _converter().convert(text)
    return text


def has_chinese(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


class Tokeniser:
    """Normalise and cut text into index terms with its own jieba dictionary (jieba's default
    words plus the ones given to :meth:`add_words`)."""

    def __init__(self, *, stop_words: frozenset[str] = STOP_WORDS) -> None:
        self._jieba = rjieba.Jieba()
        self.stop_words = stop_words
        # Short texts (keywords, discipline names) recur across profiles and queries.
        self._short: dict[str, list[str]] = {}

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the dictionary domain terms (discipline, industry names, profile keywords)."""
        for word in words:
            word = normalise(word).strip()
            if len(word) >= 2 and has_chinese(word) and " " not in word:
                self._jieba.add_word(word, 20000, None)
                self._short.clear()

    def tokenise(self, text: str) -> list[str]:
        """Tokens of ``text`` in order, stop words and punctuation removed."""
        if len(text) <= SHORT_TEXT:
            cached = self._short.get(text)
            if cached is None:
                if len(self._short) >= SHORT_CACHE_SIZE:
                    self._short.clear()
                cached = self._short[text] = self._tokenise(text)
            return list(cached)
        return self._tokenise(text)

    def _tokenise(self, text: str) -> list[str]:
        text = normalise(text)
        tokens: list[str] = []
        for piece in self._jieba.cut_for_search(text):
            piece = piece.strip()
            if not piece or piece in self.stop_words:
                continue
            if has_chinese(piece):
                tokens.append(piece)
            else:
                tokens.extend(t for t in _LATIN.findall(piece) if t not in self.stop_words)
        return [t[:MAX_TOKEN_LENGTH] for t in tokens]

    def terms(self, text: str) -> list[str]:
        """Distinct tokens of ``text``, in order of first appearance."""
        return list(dict.fromkeys(self.tokenise(text)))


@lru_cache(maxsize=1)
def _default() -> Tokeniser:
    """The process-wide tokeniser, made on first use (its dictionary costs ~60 ms and memory
    that a process which never cuts text should not pay at import)."""
    return Tokeniser()


def add_words(words: Iterable[str]) -> None:
    """Teach the process-wide dictionary domain terms (used by the web search)."""
    _default().add_words(words)


def tokenise(text: str) -> list[str]:
    """Tokens of ``text`` in order with the process-wide dictionary."""
    return _default().tokenise(text)


def query_terms(text: str) -> list[str]:
    """Distinct terms of a search box entry, in order."""
    return _default().terms(text)
