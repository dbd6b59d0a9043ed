"""A tiny synthetic pool in the evaluation JSONL format: three disciplines, eight researchers."""

from __future__ import annotations

import json

import pytest

from techbridge.matching.dataset import parse_dataset
from techbridge.matching.dense import HashingEncoder
from techbridge.matching.engine import MatchingEngine
from techbridge.matching.model import Dataset
from techbridge.matching.text import Tokeniser

MATERIALS = "材料科学与工程"
COMPUTING = "计算机科学与技术"
CROPS = "作物学"

ROWS = [
    {
        "kind": "profile",
        "id": "r1",
        "discipline": MATERIALS,
        "keywords": ["固态电解质", "锂金属负极"],
        "achievements": [{"type": "paper", "title": "固态电解质与锂金属负极的界面稳定性"}],
    },
    {
        "kind": "profile",
        "id": "r2",
        "discipline": MATERIALS,
        "keywords": ["陶瓷材料", "烧结工艺"],
        "achievements": [{"type": "patent", "title": "一种低温烧结陶瓷的制备方法"}],
    },
    {
        "kind": "profile",
        "id": "r3",
        "discipline": MATERIALS,
        "keywords": ["高分子复合材料"],
        "achievements": [{"type": "paper", "title": "碳纤维增强高分子复合材料的力学性能"}],
    },
    {
        "kind": "profile",
        "id": "r4",
        "discipline": COMPUTING,
        "keywords": ["图像识别", "深度学习"],
        "achievements": [{"type": "paper", "title": "基于深度学习的工业图像缺陷识别"}],
    },
    {
        "kind": "profile",
        "id": "r5",
        "discipline": COMPUTING,
        "keywords": ["数据库", "界面设计"],
        "achievements": [{"type": "project", "title": "数据库查询优化与用户界面设计"}],
    },
    {
        "kind": "profile",
        "id": "r6",
        "discipline": COMPUTING,
        "keywords": ["自然语言处理"],
        "achievements": [{"type": "paper", "title": "中文自然语言处理中的分词方法"}],
    },
    {
        "kind": "profile",
        "id": "r7",
        "discipline": CROPS,
        "keywords": ["水稻育种", "抗病基因"],
        "achievements": [{"type": "award", "title": "水稻抗病新品种选育"}],
    },
    {
        "kind": "profile",
        "id": "r8",
        "discipline": CROPS,
        "keywords": ["小麦", "抗旱"],
        "achievements": [{"type": "paper", "title": "小麦抗旱性状的遗传分析"}],
    },
    {"kind": "query", "id": "q1", "type": "brief", "text": "固态电解质和锂金属负极的界面问题"},
    {
        "kind": "query",
        "id": "q2",
        "type": "description",
        "text": "我们需要改进水稻育种流程，提高抗病基因的筛选效率。",
    },
    {"kind": "judgement", "query": "q1", "profile": "r1", "grade": 2},
    {"kind": "judgement", "query": "q1", "profile": "r2", "grade": 1},
    {"kind": "judgement", "query": "q1", "profile": "r3", "grade": 1},
    {"kind": "judgement", "query": "q2", "profile": "r7", "grade": 2},
    {"kind": "judgement", "query": "q2", "profile": "r8", "grade": 1},
]


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return parse_dataset(jsonl(ROWS).splitlines())


@pytest.fixture(scope="session")
def engine(dataset: Dataset) -> MatchingEngine:
    return MatchingEngine(dataset.profiles, encoder=HashingEncoder(Tokeniser()))
