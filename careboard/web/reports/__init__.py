"""The monthly improvement summary, downloaded from the web application."""
