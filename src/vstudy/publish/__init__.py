"""Build layer: the section registry, the pipeline, the notebook worker, the website and the build state.
Imported only by the command line."""
