"""Carbon accounting: energy-activity CO2 (provincial inventory guideline, 2011 and 2025 editions), dual control
of totals and intensities, and product carbon footprints (GB/T 24067-2024 / ISO 14067).

See ``docs/standards/carbon.md`` for the methods, the factor sources and what is unconfirmed.
"""
