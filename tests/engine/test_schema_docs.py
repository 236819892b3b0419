from pathlib import Path

from careboard.engine.schema_docs import data_model_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def test_committed_data_model_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == data_model_markdown(), (
        "docs/data-model.md is stale: run `careboard schema --markdown docs/data-model.md`"
    )


def test_it_marks_extensions():
    text = data_model_markdown()
    assert "## `cb_staff`" in text and "extension table (not in the SSD)" in text
    assert "| `cont_decision_datetime` | date-time |" in text
