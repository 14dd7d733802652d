"""fieldprint: print the paperwork of field-service teams.

The pipeline runs one way: load (generator.sources) -> validate (generator.dataset) ->
resolve and build a context per record -> render -> impose -> write (generator.output).
"""
__version__ = "0.1.0"
