"""The scorecard and the indicator pages (aggregate), and the children behind a number."""
