"""The engine is pure Python on Polars: it never imports Django and never reads the clock."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "careboard" / "engine"
CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("time", "time"),
}


def engine_modules():
    return sorted(ENGINE.rglob("*.py"))


def test_no_engine_module_imports_django():
    for path in engine_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), path


def test_importing_the_whole_engine_loads_no_django():
    mods = [
        "careboard.engine." + ".".join(p.relative_to(ENGINE).with_suffix("").parts)
        for p in engine_modules()
        if p.name != "__init__.py" and not p.name.startswith("_")
    ]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in mods)
    code += "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'\n"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_engine_module_reads_the_clock():
    for path in engine_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) not in CLOCK_CALLS, f"{path}:{node.lineno}"
