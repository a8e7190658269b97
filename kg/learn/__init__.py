"""Training the extractor's decision model from annotated articles (``kg train``)."""
