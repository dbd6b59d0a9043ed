import numpy as np

from techbridge.matching.dense import (
    Encoder,
    ExactVectorIndex,
    FaissVectorIndex,
    HashingEncoder,
    UniversalSentenceEncoder,
    build_vector_index,
    l2_normalise,
)
from techbridge.matching.text import Tokeniser


def test_hashing_encoder_is_deterministic_and_normalised():
    encoder = HashingEncoder(Tokeniser(), dim=64)
    assert isinstance(encoder, Encoder)
    first = encoder.encode(["固态电解质 battery", "水稻"])
    again = encoder.encode(["固态电解质 battery", "水稻"])
    assert first.shape == (2, 64)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)


def test_universal_sentence_encoder_loads_offline_and_crosses_languages():
    encoder = UniversalSentenceEncoder()
    vectors = encoder.encode(
        ["锂电池的固态电解质", "solid electrolyte for lithium batteries", "水稻育种"]
    )
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_exact_and_faiss_indexes_agree():
    vectors = l2_normalise(np.random.default_rng(7).normal(size=(300, 32)))
    queries = vectors[:5] + 0.01
    exact_scores, exact_positions = ExactVectorIndex(vectors).search(queries, 10)
    faiss_scores, faiss_positions = FaissVectorIndex(vectors).search(queries, 10)
    assert np.array_equal(exact_positions, faiss_positions)
    assert np.allclose(exact_scores, faiss_scores, atol=1e-5)
    assert exact_positions[:, 0].tolist() == [0, 1, 2, 3, 4]
    hnsw = FaissVectorIndex(vectors, hnsw_neighbours=16)
    assert hnsw.search(queries, 1)[1][:, 0].tolist() == [0, 1, 2, 3, 4]


def test_build_vector_index_chooses_by_pool_size():
    vectors = l2_normalise(np.ones((3, 4)))
    assert isinstance(build_vector_index(vectors), ExactVectorIndex)
    assert isinstance(build_vector_index(vectors, exact_limit=2), FaissVectorIndex)
