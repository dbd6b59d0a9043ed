import pytest

from techbridge.matching.dataset import DatasetFormatError, load_dataset, parse_dataset
from techbridge.matching.model import Achievement

from .conftest import MATERIALS, ROWS, jsonl


def test_reads_profiles_queries_and_judgements(tmp_path, dataset):
    path = tmp_path / "set.jsonl"
    path.write_text(jsonl(ROWS), encoding="utf-8")
    loaded = load_dataset(path)
    assert loaded == dataset
    assert [len(loaded.profiles), len(loaded.queries), len(loaded.judgements)] == [8, 2, 5]
    first = loaded.profiles[0]
    assert first.disciplines == (MATERIALS,)
    assert first.achievements == (
        Achievement(type="paper", title="固态电解质与锂金属负极的界面稳定性"),
    )
    assert loaded.grades()["q1"] == {"r1": 2, "r2": 1, "r3": 1}


def test_optional_fields_may_be_missing_and_extra_fields_are_ignored():
    loaded = parse_dataset(
        [
            '{"kind": "profile", "id": "r1", "colour": "blue"}',
            "",
            '{"kind": "profile", "id": "r2", "discipline": "", "keywords": [], '
            '"achievements": [{"type": "patent", "title": "t"}]}',
            '{"kind": "query", "id": "q1", "text": "x"}',
        ]
    )
    assert loaded.profiles[0].disciplines == ()
    assert loaded.profiles[0].achievements == ()
    assert loaded.profiles[1].achievements[0].abstract == ""
    assert loaded.queries[0].type == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"kind": "person", "id": "x"}', "unknown kind 'person'"),
        ('{"kind": "profile"}', "missing 'id'"),
        ('{"kind": "profile", "id": "r9", "keywords": "a", "achievements": {}}', "'achievements'"),
        ('{"kind": "query", "id": "q9"}', "missing 'text'"),
        ('{"kind": "judgement", "query": "q1", "profile": "r1", "grade": 5}', "0 to 3"),
        ('{"kind": "judgement", "query": "q1", "profile": "r1", "grade": "2"}', "'grade'"),
        ('{"kind": "profile", "id": "r1"}', "duplicate profile id 'r1'"),
    ],
)
def test_malformed_line_is_refused_with_its_line_number(line, message):
    lines = ['{"kind": "profile", "id": "r1"}', "", line]
    with pytest.raises(DatasetFormatError, match=message) as caught:
        parse_dataset(lines)
    assert caught.value.line_number == 3
    assert str(caught.value).startswith("line 3: ")
