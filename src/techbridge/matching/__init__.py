"""The TechBridge matching engine: explainable hybrid retrieval of researchers for demands.

Pure Python + NumPy, no Django: profiles and queries are dataclasses (:mod:`.model`), text is
normalised and cut by :mod:`.text`, BM25 over weighted profile fields (:mod:`.sparse`) and
sentence embeddings (:mod:`.dense`) are fused (:mod:`.fusion`) and re-ranked by agreement with
the query's recognised discipline (:mod:`.disciplines`) in :mod:`.engine`; every match carries
its evidence (:mod:`.explain`). Hard filters and soft features are :mod:`.filters`; the
incremental, persistent index under both directions is :mod:`.index` (researchers and teams for
a demand in :mod:`.engine`, demands for a researcher in :mod:`.demands`). :mod:`.evaluation`
measures it on the JSONL format read by :mod:`.dataset`; :mod:`.bench` times it on pools from
:mod:`.synthetic`. Submodules are imported explicitly so that importing this package stays cheap.
"""
