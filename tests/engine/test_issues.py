from careboard.engine.issues import Issue, has_errors, issues_frame, issues_to_json


def test_it_says_what_and_where():
    issue = Issue("error", "DATE_INVALID", "not a real date", "903.csv", "header", 7, "DOB", "31/02/2024")
    assert str(issue) == (
        "ERROR DATE_INVALID 903.csv, header, row 7, column 'DOB': not a real date (value '31/02/2024')"
    )


def test_errors_block_warnings_do_not():
    warn = Issue("warning", "W", "w")
    assert not has_errors([warn])
    assert has_errors([warn, Issue("error", "E", "e")])


def test_it_tabulates_and_serialises():
    issues = [Issue("warning", "W1", "m", row=3), Issue("error", "E1", "n", column="ID")]
    frame = issues_frame(issues)
    assert frame.height == 2 and frame["row"].to_list() == [3, None]
    assert '"code": "E1"' in issues_to_json(issues)
