"""The TechBridge matching engine: explainable hybrid retrieval of researchers for demands.

Pure Python + NumPy, no Django: profiles and queries are dataclasses (:mod:`.model`), text is
normalised and cut by :mod:`.text`, BM25 over weighted profile fields (:mod:`.sparse`) and
sentence embeddings (:mod:`.dense`) are fused (:mod:`.fusion`) and re-ranked by agreement with
the query's recognised discipline (:mod:`.disciplines`) in :mod:`.engine`; every match carries
its evidence (:mod:`.explain`). :mod:`.evaluation` measures it on the JSONL format read by
:mod:`.dataset`. Submodules are imported explicitly so that importing this package stays cheap.
"""
