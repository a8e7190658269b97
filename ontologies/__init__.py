"""The ontology, shapes, gazetteer and patterns shipped with kg (data, not code)."""
