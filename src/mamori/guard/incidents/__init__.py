"""Incidents (§6(3) of the city's measures): the record, the PPC clocks, the report draft, notices to the affected."""
