"""check() and build(): the pipeline, its cache and its worker pool."""
