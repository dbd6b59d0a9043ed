import subprocess
import sys


def test_the_engine_imports_nothing_from_django():
    code = (
        "import sys\n"
        "import techbridge.matching.commands, techbridge.matching.engine\n"
        "import techbridge.matching.evaluation\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
