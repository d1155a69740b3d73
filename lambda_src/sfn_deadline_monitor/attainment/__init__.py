"""The ``report`` command's pure part: SLA attainment figures from the deadline history, and
their text, json, csv, markdown and html renderings."""
