from click.testing import CliRunner

from careboard.cli import main


def test_it_lists_tables_and_marks_extensions():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert "ssd_person" in result.output
    assert "cb_staff" in result.output and "(extension)" in result.output


def test_it_describes_one_table():
    result = CliRunner().invoke(main, ["schema", "ssd_contacts"])
    assert result.exit_code == 0
    assert "cont_decision_datetime" in result.output and "[extension]" in result.output


def test_it_rejects_an_unknown_table():
    result = CliRunner().invoke(main, ["schema", "ssd_nope"])
    assert result.exit_code == 2
    assert "no canonical table 'ssd_nope'" in result.output
