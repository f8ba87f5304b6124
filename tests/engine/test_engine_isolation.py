import subprocess
import sys


def test_engine_imports_nothing_from_django():
    code = (
        "import sys; import appraisal.engine as engine; "
        "import appraisal.engine.jsonout, appraisal.engine.explain; "
        "print(sorted(name for name in sys.modules if name == 'django' or name.startswith('django.')))"
    )

    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert completed.stdout.strip() == "[]"
