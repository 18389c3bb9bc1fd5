"""Stage 3, reading: what a narrative says, found by rules a domain expert can read and edit.

Participants and the report's actor type (`actors`), each criterion's cue sentences with their
qualifier (`detectors`), collaboration model and sub-type by prototype similarity (`subtypes`),
and the one `NarrativeReading` per entry that every narrative feature is computed from
(`narratives`). The vocabularies are data: `lexicons/*.csv`, loaded and checked by `lexicons`.

May import: `pipeline.text`, `pipeline.data`, `pipeline.config`.
"""
