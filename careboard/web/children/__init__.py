"""A child's record: the chronology of every event careboard holds, and key dates."""
