"""The extraction core: bytes of one page in, one article record out. Imports nothing from
Scrapy, so the extraction workers load only this package."""

import os

# py3langid (pipeline.extract.language) scores with numpy, which trafilatura's imports already
# load. OpenBLAS's default pool (a thread per core, spinning between calls) made each score
# cost 6 ms of CPU instead of 0.5 ms, and every extraction worker already has a core of its
# own: one BLAS thread, set here because this package is imported before any numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
