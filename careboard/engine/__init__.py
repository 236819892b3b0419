"""The careboard engine: pure Python on Polars. It never imports Django and never reads the clock."""
