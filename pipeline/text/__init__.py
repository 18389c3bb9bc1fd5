"""Stage 2, text: Kiwi's morphological analysis, sentence splitting and text composition.

One process-wide Kiwi, one batched call per request, a cache of analysed lines shared by every
reader of a text, so a narrative goes through Kiwi once.

May import: `pipeline.data` (the gazetteer), `pipeline.config`.
"""
