import subprocess
import sys

ENGINE_MODULES = (
    "bench",
    "commands",
    "dataset",
    "demands",
    "dense",
    "disciplines",
    "engine",
    "evaluation",
    "explain",
    "filters",
    "fusion",
    "index",
    "model",
    "sparse",
    "synthetic",
    "text",
)


def test_the_engine_imports_nothing_from_django():
    imports = "\n".join(f"import techbridge.matching.{name}" for name in ENGINE_MODULES)
    code = (
        "import sys\n"
        f"{imports}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
