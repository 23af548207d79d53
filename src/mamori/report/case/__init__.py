"""The reports of an investigate case: findings tables, timeline, PPC draft, notification letters."""
