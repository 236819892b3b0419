"""Users, their role and the teams they work in; lock-out after repeated failed logins."""
