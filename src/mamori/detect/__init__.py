"""Personal-data detection: categories, detectors, table column classification."""
