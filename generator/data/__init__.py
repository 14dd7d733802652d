"""Loading and validation: data files (YAML, CSV, xlsx) into checked records.

`load_dataset(paths) -> Dataset` is the entry; every value keeps the file:line (or sheet, row,
column) it came from, and every problem is reported at once as a `UserError`.
"""
