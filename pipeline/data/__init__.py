"""Stage 1, data: the labelled data and the files people hand in.

Parses the KRILA report (appendix, case studies, sub-types), resolves region names against the
gazetteer, groups cases that describe one project, checks the result against the report's own
tables, joins the appendix narratives to their labels, estimates their label noise, and writes
`data/processed/` and the data card. Also reads and writes reviewers' spreadsheets (`entries`)
and keeps reviewer-corrected entries as versioned labelled data (`reviewed`, `labelled`).

May import: `pipeline.config`, `pipeline.io`, `pipeline.artifacts`. No other stage.
"""
