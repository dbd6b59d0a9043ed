import json

from typer.testing import CliRunner

from techbridge.matching.commands import app

from .conftest import ROWS, jsonl


def test_evaluate_json_prints_one_object_in_the_documented_shape(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(jsonl(ROWS), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["evaluate", "--dataset", str(path), "--json", "--encoder", "hashing"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert list(figures) == ["bm25", "dense", "hybrid"]
    assert set(figures["hybrid"]) == {"all", "brief", "description"}
    assert set(figures["bm25"]["all"]) == {"ndcg@10", "recall@10", "recall@50", "mrr"}


def test_evaluate_table_and_limit(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(jsonl(ROWS), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["evaluate", "--dataset", str(path), "--limit", "1", "--encoder", "hashing"]
    )
    assert result.exit_code == 0, result.output
    assert "1 queries" in result.stdout
    assert "hybrid" in result.stdout


def test_evaluate_refuses_a_malformed_file_naming_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl(ROWS[:2]) + '{"kind": "query"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--dataset", str(path), "--encoder", "hashing"])
    assert result.exit_code == 2
    assert "line 3" in result.stderr


def test_bench_json_prints_the_documented_shape():
    result = CliRunner().invoke(
        app,
        ["bench", "--sizes", "300", "--encoder", "hashing", "--queries", "5", "--json"],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert list(figures) == ["300"]
    assert set(figures["300"]) == {"build_s", "index_mb", "rss_mb", "query_ms", "batch_qps"}
    assert set(figures["300"]["query_ms"]) == {"p50", "p95", "p99"}
    assert figures["300"]["index_mb"] > 0 and figures["300"]["batch_qps"] > 0


def test_bench_refuses_bad_sizes():
    result = CliRunner().invoke(app, ["bench", "--sizes", "many", "--encoder", "hashing"])
    assert result.exit_code == 2
