"""careboard's web application (Django): scorecard, drill-down, worklists, child chronology, loads.

The engine (``careboard.engine``) never imports anything from here; this package is the only place
Django lives. Apps are split by domain; :mod:`careboard.web.access` alone decides who may see what.
"""
