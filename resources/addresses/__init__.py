"""Administrative units of Vietnam (2-level from 1 July 2025) and the old → new conversion: units.json
as extracted from the package, index/ as the kiosk reads it."""
