"""What a catalog is, before anything runs it: the typed model of offices, topics and
forms, their code lists and translation contexts, and the static rules a value must obey
(date bounds, patterns).

It sits below both the engine (which evaluates forms) and the catalog tools (which load,
compile, sign and install catalogs), so neither needs the other to know what a form is.
"""
